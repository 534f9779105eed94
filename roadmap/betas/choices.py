"""Choices and state rules of beta programs and their participants (the models import these)."""

from django.db import models

# The seed's "Beta Success: 75% positive validation rate"; a rating of 4 or 5 is positive.
POSITIVE_VALIDATION_TARGET = 75
POSITIVE_RATING_FROM = 4


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open for nominations"
    RUNNING = "running", "Running (closed to nominations)"
    CLOSED = "closed", "Closed"


class ParticipantState(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    REMOVED = "removed", "Removed"


# States that take a place in the program (capacity) ...
SEAT_STATES = [
    ParticipantState.NOMINATED,
    ParticipantState.INVITED,
    ParticipantState.ACCEPTED,
    ParticipantState.ACTIVE,
    ParticipantState.COMPLETED,
]
# ... and those that keep a CSM busy (the per-CSM cap counts these across every program).
LIVE_STATES = SEAT_STATES[:-1]

TRANSITIONS: dict[str, list[str]] = {
    ParticipantState.NOMINATED: [
        ParticipantState.INVITED,
        ParticipantState.DECLINED,
        ParticipantState.REMOVED,
    ],
    ParticipantState.INVITED: [
        ParticipantState.ACCEPTED,
        ParticipantState.DECLINED,
        ParticipantState.REMOVED,
    ],
    ParticipantState.ACCEPTED: [
        ParticipantState.ACTIVE,
        ParticipantState.DECLINED,
        ParticipantState.REMOVED,
    ],
    ParticipantState.ACTIVE: [ParticipantState.COMPLETED, ParticipantState.REMOVED],
    ParticipantState.COMPLETED: [],
    ParticipantState.DECLINED: [],
    ParticipantState.REMOVED: [],
}
# The date field each state stamps when it is entered.
STATE_DATE_FIELD = {
    ParticipantState.NOMINATED: "nominated_at",
    ParticipantState.INVITED: "invited_at",
    ParticipantState.ACCEPTED: "accepted_at",
    ParticipantState.ACTIVE: "activated_at",
    ParticipantState.COMPLETED: "completed_at",
    ParticipantState.DECLINED: "declined_at",
    ParticipantState.REMOVED: "removed_at",
}


# Button words for moving a participant to each state.
TRANSITION_ACTIONS = {
    ParticipantState.INVITED: "Invite",
    ParticipantState.ACCEPTED: "Mark accepted",
    ParticipantState.ACTIVE: "Activate",
    ParticipantState.COMPLETED: "Complete…",
    ParticipantState.DECLINED: "Mark declined",
    ParticipantState.REMOVED: "Remove",
}
