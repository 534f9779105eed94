"""Product-analytics data: per-account feature usage, the Segment messages already counted and the
daily adoption insights."""

from django.db import models

__all__ = ["AdoptionInsight", "FeatureUsage", "ProcessedMessage"]


class FeatureUsage(models.Model):
    """How often an account used a feature on one day (from product-analytics track events)."""

    account = models.ForeignKey(
        "portal.Account", on_delete=models.CASCADE, related_name="feature_usage"
    )
    feature = models.CharField(max_length=120, db_index=True)
    day = models.DateField(db_index=True)
    events = models.PositiveIntegerField(default=0)
    users = models.PositiveIntegerField(default=0, help_text="Distinct users that day.")
    last_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "account", "feature"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "feature", "day"], name="featureusage_unique_account_day"
            )
        ]
        verbose_name_plural = "feature usage"

    def __str__(self) -> str:
        return f"{self.account} · {self.feature} · {self.day}: {self.events}"


class ProcessedMessage(models.Model):
    """A Segment ``messageId`` already counted: the same event arriving twice counts once."""

    message_id = models.CharField(max_length=200, unique=True)
    connection = models.ForeignKey(
        "integrations.Connection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    account = models.ForeignKey(
        "portal.Account", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    feature = models.CharField(max_length=120, blank=True)
    user_id = models.CharField(max_length=200, blank=True)
    day = models.DateField(null=True, blank=True)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-processed_at"]
        indexes = [models.Index(fields=["account", "feature", "day"])]

    def __str__(self) -> str:
        return self.message_id


class AdoptionInsight(models.Model):
    """One ``adoption_insight`` outbox event per feature and day (the daily insight's ledger)."""

    feature = models.CharField(max_length=120)
    day = models.DateField(db_index=True)
    since = models.DateField()
    until = models.DateField()
    rate = models.FloatField(help_text="Share of active accounts that used the feature.")
    event = models.ForeignKey(
        "portal.OutboxEvent", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "feature"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "day"], name="adoptioninsight_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.feature} · {self.day}: {self.rate:.0%}"
