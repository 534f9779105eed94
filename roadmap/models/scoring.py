"""The scoring policy (versioned), the recompute state and the per-recompute score snapshots."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .items import RoadmapItem

__all__ = ["ScoreSnapshot", "ScoringPolicy", "ScoringState"]

POSITIVE = [MinValueValidator(Decimal(0))]


def _factor(default: str, label: str) -> models.DecimalField:
    return models.DecimalField(
        label, max_digits=6, decimal_places=3, default=Decimal(default), validators=POSITIVE
    )


class ScoringPolicy(models.Model):
    """The weights of the priority score (one row; every change is a new version in history).

    account weight = tier weight × (1 + log10(1 + ARR / ARR scale)) × signal factor, where the
    signal factor is the vote's health factor or the linked feedback's impact factor."""

    SINGLETON_PK = 1

    tier_weight_enterprise = _factor("3", "tier weight: enterprise")
    tier_weight_mid_market = _factor("2", "tier weight: mid-market")
    tier_weight_smb = _factor("1", "tier weight: SMB")
    arr_scale = models.DecimalField(
        "ARR scale",
        max_digits=12,
        decimal_places=2,
        default=Decimal(10_000),
        validators=[MinValueValidator(Decimal(1))],
        help_text="ARR factor = 1 + log10(1 + ARR / this).",
    )
    health_factor_none = _factor("1.0", "vote, expected health impact none")
    health_factor_low = _factor("1.1", "vote, expected health impact low")
    health_factor_medium = _factor("1.25", "vote, expected health impact medium")
    health_factor_high = _factor("1.5", "vote, expected health impact high")
    impact_factor_blocker = _factor("1.0", "feedback impact blocker")
    impact_factor_high = _factor("0.75", "feedback impact high")
    impact_factor_medium = _factor("0.5", "feedback impact medium")
    impact_factor_low = _factor("0.25", "feedback impact low")
    consensus_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Distinct CS reps who must have voted for the full demand to count.",
    )
    consensus_damping = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.5"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text="Demand is multiplied by this until the consensus threshold is reached.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "scoring policy"
        verbose_name_plural = "scoring policy"
        permissions = [("recompute_scoringpolicy", "Can recompute priorities now")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="roadmap_scoring_policy_singleton"
            )
        ]

    def __str__(self) -> str:
        return f"Scoring policy v{self.version}"

    @classmethod
    def current(cls) -> "ScoringPolicy":
        policy, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return policy

    def tier_weights(self) -> dict[str, Decimal]:
        return {
            "enterprise": self.tier_weight_enterprise,
            "mid_market": self.tier_weight_mid_market,
            "smb": self.tier_weight_smb,
        }

    def health_factors(self) -> dict[str, Decimal]:
        return {
            "none": self.health_factor_none,
            "low": self.health_factor_low,
            "medium": self.health_factor_medium,
            "high": self.health_factor_high,
        }

    def impact_factors(self) -> dict[str, Decimal]:
        return {
            "blocker": self.impact_factor_blocker,
            "high": self.impact_factor_high,
            "medium": self.impact_factor_medium,
            "low": self.impact_factor_low,
        }


class ScoringState(models.Model):
    """Bookkeeping of the priority recompute (one row): the "dirty" flag that coalesces bursts
    of demand changes into one run, and what the last run did."""

    dirty_since = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_items = models.PositiveIntegerField(default=0)
    last_rank_changes = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = "scoring state"
        verbose_name_plural = "scoring state"

    def __str__(self) -> str:
        return f"Recompute state ({self.runs} runs)"


class ScoringDirtyItem(models.Model):
    """An item whose demand or estimates changed since the last recompute: the next run re-scores
    just these items and re-ranks the rest from their stored scores (``priorities_request`` with
    ``item_ids``). A request for all items sets ``ScoringState.dirty_since`` instead."""

    item_id = models.BigIntegerField(primary_key=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "item waiting for a recompute"

    def __str__(self) -> str:
        return f"item {self.item_id} (since {self.requested_at:%H:%M:%S})"


class ScoreSnapshot(models.Model):
    """An item's score and rank as one recompute left them: the score history and trend line."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="snapshots")
    recorded_at = models.DateTimeField(db_index=True)
    score = models.DecimalField(max_digits=14, decimal_places=4)
    rank = models.PositiveIntegerField(null=True, blank=True)
    demand = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    accounts = models.PositiveIntegerField(default=0)
    policy_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["item", "-recorded_at", "-id"]
        indexes = [models.Index(fields=["item", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.recorded_at:%Y-%m-%d %H:%M}: {self.score}"
