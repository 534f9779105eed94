"""What the vendor connectors could not take as it came: records a pull or webhook skipped (or
applied with a field left alone) with the reason, Segment events held until their account is
known, and the ``userId`` → account links learnt from Segment ``group`` calls. Written only by
``integrations.connectors.reports`` and ``integrations.connectors.analytics.holding``."""

from django.db import models

__all__ = ["AnalyticsGroupMember", "HeldEvent", "RecordReport", "RecordReportOutcome"]


class RecordReportOutcome(models.TextChoices):
    SKIPPED = "skipped", "Skipped"
    REPORTED = "reported", "Applied, with a note"


class RecordReport(models.Model):
    """One record a sync or webhook skipped (``skipped``: nothing of it was applied) or applied
    with a value left alone (``reported``: an owner who matches no user, an unmapped industry),
    with the reason in words. Kept bounded per connection (the newest
    ``integrations.connectors.reports.REPORTS_KEPT``)."""

    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.CASCADE, related_name="reports"
    )
    run = models.ForeignKey(
        "integrations.SyncRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        help_text="Empty for webhooks.",
    )
    external_id = models.CharField("record", max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=RecordReportOutcome.choices)
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["connection", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: {self.external_id} — {self.reason}"


class HeldEvent(models.Model):
    """A Segment event whose account the portal does not know (yet): kept, not refused (Segment
    does not retry a 4xx), and counted once its account appears. Bounded per connection, and
    dropped after the connection's retention (``held_retention_days``)."""

    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.CASCADE, related_name="held_events"
    )
    message_id = models.CharField(max_length=200)
    account_ref = models.CharField(max_length=200, blank=True, db_index=True)
    user_id = models.CharField(max_length=200, blank=True, db_index=True)
    event = models.CharField(max_length=120, blank=True)
    reason = models.CharField(max_length=300)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "message_id"], name="heldevent_once_per_message"
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id} ({self.reason})"


class AnalyticsGroupMember(models.Model):
    """A Segment ``group`` call's link of a user to an account (``userId`` → ``groupId``): later
    track events of the user without a group count for that account."""

    connection = models.ForeignKey(
        "integrations.Connection", on_delete=models.CASCADE, related_name="group_members"
    )
    user_id = models.CharField(max_length=200)
    group_id = models.CharField(max_length=200, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["connection", "user_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "user_id"], name="analyticsgroupmember_one_group_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.group_id}"
