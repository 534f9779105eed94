"""Adoption of shipped roadmap items: the PM's aha milestone per item, and the ledgers that make
the barrier message (once per item and CSM) and the requester-adoption insight (once per item)
happen exactly once."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

__all__ = ["AdoptionMilestone", "BarrierNotice", "RequesterAdoptionCrossing"]


class AdoptionMilestone(models.Model):
    """The item's "aha moment": an account that uses the item's features ``uses`` times within
    ``days`` days of its first use has reached it."""

    item = models.OneToOneField(
        "roadmap.RoadmapItem", on_delete=models.CASCADE, related_name="adoption_milestone"
    )
    uses = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text="Uses (analytics events of the item's features) that make the aha moment.",
    )
    days = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="Within this many days of the account's first use (day of first use included).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uses__gte=1) & models.Q(days__gte=1),
                name="adoption_milestone_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.uses} uses within {self.days} days"


class BarrierNotice(models.Model):
    """The one message a CSM gets about their accounts that asked for an item and have not used
    it once the barrier window passed. The row is the ledger: one per (item, CSM)."""

    item = models.ForeignKey(
        "roadmap.RoadmapItem", on_delete=models.CASCADE, related_name="barrier_notices"
    )
    csm = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="barrier_notices"
    )
    accounts = models.JSONField(
        default=list,
        help_text="The accounts named in the message, each with the evidence it gave (a "
        "snapshot: what the CSM was told).",
    )
    emailed = models.BooleanField(default=False, help_text="False when the CSM has no e-mail.")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "csm"], name="barrier_notice_once_per_csm")
        ]
        indexes = [models.Index(fields=["csm", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.item} → {self.csm}: {len(self.accounts)} account(s)"


class RequesterAdoptionCrossing(models.Model):
    """Recorded when an item's requester adoption first reached the configured threshold (the
    ``adoption_insight`` event it caused); one per item."""

    item = models.OneToOneField(
        "roadmap.RoadmapItem", on_delete=models.CASCADE, related_name="requester_adoption_crossing"
    )
    threshold = models.FloatField()
    rate = models.FloatField()
    requesters = models.PositiveIntegerField()
    adopters = models.PositiveIntegerField()
    event = models.ForeignKey(
        "portal.OutboxEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.item}: {self.rate:.0%} ≥ {self.threshold:.0%}"
