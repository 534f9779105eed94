from django.db import models


class Category(models.TextChoices):
    FEATURE_REQUEST = "feature_request", "Feature request"
    BUG = "bug", "Bug"
    IMPROVEMENT = "improvement", "Improvement"
    QUESTION = "question", "Question"


class Impact(models.TextChoices):
    BLOCKER = "blocker", "Blocker"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


# Sort key for "most severe first" (blocker first).
IMPACT_ORDER = {Impact.BLOCKER: 0, Impact.HIGH: 1, Impact.MEDIUM: 2, Impact.LOW: 3}


class Source(models.TextChoices):
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    SUPPORT_TICKET = "support_ticket", "Support ticket"
    SURVEY = "survey", "Survey"
    INTERVIEW = "interview", "Interview"
    SOCIAL = "social", "Social"
    OTHER = "other", "Other"


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    CLOSED = "closed", "Closed"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"


# The workflow: which statuses a ticket may move to from each status. "duplicate" is reached
# only through ticket_mark_duplicate (it needs the kept ticket), never by a plain status change.
TRANSITIONS: dict[str, list[str]] = {
    TicketStatus.NEW: [TicketStatus.TRIAGED, TicketStatus.DECLINED],
    TicketStatus.TRIAGED: [TicketStatus.PLANNED, TicketStatus.DECLINED],
    TicketStatus.PLANNED: [TicketStatus.IN_PROGRESS, TicketStatus.SHIPPED, TicketStatus.DECLINED],
    TicketStatus.IN_PROGRESS: [TicketStatus.SHIPPED, TicketStatus.PLANNED, TicketStatus.DECLINED],
    TicketStatus.SHIPPED: [TicketStatus.CLOSED],
    TicketStatus.CLOSED: [],
    TicketStatus.DECLINED: [TicketStatus.TRIAGED],
    TicketStatus.DUPLICATE: [],
}
# Tickets still waiting for delivery: these become shipped when their roadmap item ships.
OPEN_STATUSES = [
    TicketStatus.NEW,
    TicketStatus.TRIAGED,
    TicketStatus.PLANNED,
    TicketStatus.IN_PROGRESS,
]
# Tickets whose accounts do not count as demand on their roadmap item.
NO_DEMAND_STATUSES = [TicketStatus.DECLINED, TicketStatus.DUPLICATE]
MERGEABLE_STATUSES = [*OPEN_STATUSES]
