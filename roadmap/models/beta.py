"""Beta programs for roadmap items and the accounts taking part in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal.choices import LifecycleStage, Tier
from portal.textlimits import MEDIUM, bounded_text
from roadmap.betas.choices import (
    LIVE_STATES,
    POSITIVE_RATING_FROM,
    POSITIVE_VALIDATION_TARGET,
    SEAT_STATES,
    STATE_DATE_FIELD,
    TRANSITION_ACTIONS,
    TRANSITIONS,
    ParticipantState,
    ProgramStatus,
)

from .items import RoadmapItem

__all__ = [
    "LIVE_STATES",
    "POSITIVE_RATING_FROM",
    "POSITIVE_VALIDATION_TARGET",
    "SEAT_STATES",
    "STATE_DATE_FIELD",
    "TRANSITIONS",
    "TRANSITION_ACTIONS",
    "BetaParticipant",
    "BetaParticipantQuerySet",
    "BetaProgram",
    "BetaProgramQuerySet",
    "ParticipantState",
    "ProgramStatus",
]


class BetaProgramQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=ProgramStatus.OPEN)

    def for_lists(self):
        # Aggregating queries ignore Meta.ordering: order explicitly for stable pages.
        return (
            self.select_related("item", "cs_owner", "pm_owner")
            .order_by("-created_at", "id")
            .annotate(
                seats_taken=Count("participants", filter=Q(participants__state__in=SEAT_STATES)),
                rated_count=Count(
                    "participants", filter=Q(participants__validation_rating__isnull=False)
                ),
                positive_count=Count(
                    "participants",
                    filter=Q(participants__validation_rating__gte=POSITIVE_RATING_FROM),
                ),
            )
        )


class BetaProgram(models.Model):
    """A beta of one roadmap item: goal, dates, capacity, owners and the eligibility rules."""

    item = models.ForeignKey(
        RoadmapItem, on_delete=models.PROTECT, related_name="beta_programs", verbose_name="item"
    )
    name = models.CharField(max_length=200)
    goal = bounded_text(MEDIUM, blank=True, help_text="What the beta must prove.")
    status = models.CharField(
        max_length=12, choices=ProgramStatus.choices, default=ProgramStatus.OPEN, db_index=True
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    capacity = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1)], help_text="Accounts the beta can take."
    )
    pm_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="PM owner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_beta_programs",
    )
    cs_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="CS owner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cs_owned_beta_programs",
    )
    # Eligibility rules (an empty list or None means "no restriction").
    min_health_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    allowed_tiers = models.JSONField(default=list, blank=True)
    allowed_segments = models.JSONField(default=list, blank=True)
    excluded_stages = models.JSONField(
        default=list,
        blank=True,
        help_text="Lifecycle stages that may not take part, e.g. at_risk, churned.",
    )
    sandbox_required = models.BooleanField(default=False)
    feedback_commitment_required = models.BooleanField(default=False)
    per_csm_cap = models.PositiveIntegerField(
        "per-CSM cap",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Most accounts one CSM may have in live betas (all programs) at once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = BetaProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="beta_capacity_positive"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=models.F("starts_on")),
                name="beta_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("roadmap:beta-detail", args=[self.pk])

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The beta cannot end before it starts."})
        stages = set(LifecycleStage.values)
        unknown = [s for s in self.excluded_stages or [] if s not in stages]
        if unknown:
            raise ValidationError({"excluded_stages": f"Unknown lifecycle stage {unknown[0]!r}."})

    @property
    def is_open(self) -> bool:
        return self.status == ProgramStatus.OPEN

    @property
    def allowed_tier_labels(self) -> list[str]:
        labels = dict(Tier.choices)
        return [str(labels.get(t, t)) for t in self.allowed_tiers or []]

    @property
    def excluded_stage_labels(self) -> list[str]:
        labels = dict(LifecycleStage.choices)
        return [str(labels.get(s, s)) for s in self.excluded_stages or []]


class BetaParticipantQuerySet(models.QuerySet):
    def seated(self):
        return self.filter(state__in=SEAT_STATES)

    def live(self):
        return self.filter(state__in=LIVE_STATES)

    def load_per_csm(self) -> dict[int, int]:
        """CSM id → accounts that CSM has in live betas, across every program: what the per-CSM
        cap counts (one query)."""
        return dict(
            self.live()
            .filter(csm__isnull=False)
            .order_by()
            .values_list("csm_id")
            .annotate(n=models.Count("id"))
            .values_list("csm_id", "n")
        )


class BetaParticipant(models.Model):
    """An account's place in a beta, from nomination to validation (or decline / removal)."""

    program = models.ForeignKey(BetaProgram, on_delete=models.CASCADE, related_name="participants")
    account = models.ForeignKey(
        "portal.Account", on_delete=models.PROTECT, related_name="beta_participations"
    )
    # The account's CSM when nominated: the per-CSM cap counts these.
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="CSM",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beta_participations",
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beta_nominations",
    )
    state = models.CharField(
        max_length=12,
        choices=ParticipantState.choices,
        default=ParticipantState.NOMINATED,
        db_index=True,
    )
    nominated_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    nomination_reasons = models.JSONField(default=list, blank=True)
    validation_rating = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    validation_comments = bounded_text(MEDIUM, blank=True)

    history = HistoricalRecords()
    objects = BetaParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["program", "nominated_at", "id"]
        permissions = [
            ("nominate_betaparticipant", "Can nominate accounts they manage for a beta"),
            ("nominate_any_betaparticipant", "Can nominate any account for a beta"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["program", "account"], name="beta_one_place_each"),
            models.CheckConstraint(
                condition=Q(validation_rating__isnull=True)
                | (Q(validation_rating__gte=1) & Q(validation_rating__lte=5)),
                name="beta_rating_1_5",
            ),
        ]
        indexes = [models.Index(fields=["csm", "state"])]

    def __str__(self) -> str:
        return f"{self.account} in {self.program}"

    def allowed_next_states(self) -> list[str]:
        return list(TRANSITIONS[self.state])

    def next_actions(self) -> list[tuple[str, str]]:
        """(state, button words) for each move allowed from the current state."""
        return [(state, TRANSITION_ACTIONS[state]) for state in TRANSITIONS[self.state]]

    def can_move_to(self, state: str) -> bool:
        return state in TRANSITIONS.get(self.state, [])

    def clean(self):
        if self.validation_rating is not None and self.state != ParticipantState.COMPLETED:
            raise ValidationError(
                {"validation_rating": "Only a completed participant has a validation rating."}
            )

    @property
    def is_positive(self) -> bool:
        return (self.validation_rating or 0) >= POSITIVE_RATING_FROM
