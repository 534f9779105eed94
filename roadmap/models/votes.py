"""Votes cast by CS reps on behalf of accounts: one per (item, account)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal.textlimits import MEDIUM, bounded_text
from roadmap.choices import HealthImpact

from .items import RoadmapItem

__all__ = ["Vote", "VoteQuerySet"]


class VoteQuerySet(models.QuerySet):
    def for_lists(self):
        return self.select_related("item", "account", "rep")

    def by(self, user):
        return self.filter(rep=user)


class Vote(models.Model):
    """A CS rep's vote for a roadmap item on behalf of one account, with the evidence for it.

    Voting again for the same (item, account) updates this row; the database constraint keeps
    it to one even under concurrent requests."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="votes")
    account = models.ForeignKey(
        "portal.Account", on_delete=models.CASCADE, related_name="roadmap_votes"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="CS rep",
        on_delete=models.PROTECT,
        related_name="roadmap_votes",
    )
    evidence = bounded_text(
        MEDIUM,
        help_text="Outcome documentation: what the account would achieve, in their words or data.",
    )
    expected_health_impact = models.CharField(
        max_length=10, choices=HealthImpact.choices, default=HealthImpact.MEDIUM
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = VoteQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "id"]
        permissions = [("vote_any_account", "Can vote on behalf of any account")]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "account"], name="roadmap_one_vote_per_account"
            ),
            models.CheckConstraint(
                condition=~models.Q(evidence=""), name="roadmap_vote_evidence_required"
            ),
        ]
        indexes = [models.Index(fields=["rep", "-updated_at"])]

    def __str__(self) -> str:
        return f"{self.account} → {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:item-detail", args=[self.item_id]) + "#votes"
