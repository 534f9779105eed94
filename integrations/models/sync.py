"""Connectors to external tools: connections, sync runs, synced-record lineage, feature usage and
outbound deliveries."""

import os
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

__all__ = [
    "OUTBOUND_KINDS",
    "OUTBOUND_TOPICS",
    "PULL_KINDS",
    "AdoptionInsight",
    "Connection",
    "ConnectionKind",
    "Delivery",
    "DeliveryStatus",
    "FeatureUsage",
    "ProcessedMessage",
    "RunKind",
    "RunStatus",
    "SyncRun",
    "SyncedRecord",
    "WebhookReceipt",
]

JIRA_KEY = re.compile(r"[A-Z][A-Z0-9_]{0,19}")
ENV_NAME_HELP = "The NAME of an environment variable (never the secret itself)."


class ConnectionKind(models.TextChoices):
    JIRA = "jira", "Jira Cloud"
    CRM = "crm", "CRM (HubSpot companies)"
    ANALYTICS = "analytics", "Product analytics (Segment track)"
    WEBHOOK = "webhook", "Outbound webhook"
    SLACK = "slack", "Slack incoming webhook"


PULL_KINDS = {ConnectionKind.JIRA, ConnectionKind.CRM}
OUTBOUND_KINDS = {ConnectionKind.WEBHOOK, ConnectionKind.SLACK}
OUTBOUND_TOPICS = [
    "feedback_submitted",
    "vote_cast",
    "roadmap_priority_changed",
    "item_shipped",
    "adoption_insight",
]


class ConnectionQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(enabled=True)

    def pulling(self):
        return self.filter(kind__in=PULL_KINDS)

    def outbound_for(self, topic: str) -> list:
        # Few endpoints: filter the JSON list in Python (SQLite has no JSON containment).
        candidates = self.enabled().filter(kind__in=OUTBOUND_KINDS)
        return [c for c in candidates if topic in c.settings.get("events", [])]


class Connection(models.Model):
    """One configured external tool: where it lives, where its credential comes from, when it
    syncs and how far it got (the cursor)."""

    kind = models.CharField(max_length=20, choices=ConnectionKind.choices, db_index=True)
    name = models.CharField(max_length=120, unique=True)
    base_url = models.URLField(
        "base URL",
        max_length=500,
        blank=True,
        help_text="API root (Jira site, HubSpot API) or the receiving endpoint for webhooks.",
    )
    credential_env = models.CharField(
        "credential variable",
        max_length=100,
        blank=True,
        help_text=ENV_NAME_HELP
        + " Jira: 'email:api-token'; HubSpot: a private-app token; Slack: the webhook URL.",
    )
    secret_env = models.CharField(
        "shared-secret variable",
        max_length=100,
        blank=True,
        help_text=ENV_NAME_HELP + " Verifies inbound webhooks; signs outbound ones.",
    )
    enabled = models.BooleanField(default=True)
    interval_minutes = models.PositiveIntegerField(
        default=60, validators=[MinValueValidator(1)], help_text="How often the beat syncs it."
    )
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per-kind options: Jira project_key, issue_type; CRM property names; "
        "analytics account_property / feature_property; outbound events.",
    )
    cursor = models.JSONField(default=dict, blank=True, help_text="How far the sync got.")
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConnectionQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        permissions = [("create_jira_issue", "Can create a Jira issue for a roadmap item")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("integrations:connection-edit", args=[self.pk])

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field in ("credential_env", "secret_env"):
            value = getattr(self, field)
            if value and not value.replace("_", "").isalnum():
                errors[field] = "Use an environment variable name, like JIRA_TOKEN."
        if self.kind in PULL_KINDS | {ConnectionKind.WEBHOOK} and not self.base_url:
            errors["base_url"] = "This kind of connection needs a base URL."
        if not isinstance(self.settings, dict):
            errors["settings"] = "Settings must be a JSON object."
        elif not JIRA_KEY.fullmatch(str(self.settings.get("project_key", "PROJ"))):
            errors["settings"] = "project_key must be a Jira project key, like PROD."
        else:
            events = self.settings.get("events", [])
            unknown = [e for e in events if e not in OUTBOUND_TOPICS]
            if unknown:
                errors["settings"] = f"Unknown events: {', '.join(unknown)}."
        if errors:
            raise ValidationError(errors)

    def credential(self) -> str:
        return os.environ.get(self.credential_env, "") if self.credential_env else ""

    def secret(self) -> str:
        return os.environ.get(self.secret_env, "") if self.secret_env else ""

    @property
    def is_pull(self) -> bool:
        return self.kind in PULL_KINDS

    @property
    def is_outbound(self) -> bool:
        return self.kind in OUTBOUND_KINDS

    def is_due(self, now=None) -> bool:
        if self.last_synced_at is None:
            return True
        now = now or timezone.now()
        return (now - self.last_synced_at).total_seconds() >= self.interval_minutes * 60


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


ACTIVE_RUN_STATUSES = [RunStatus.QUEUED, RunStatus.RUNNING]


class RunKind(models.TextChoices):
    PULL = "pull", "Pull"
    IMPORT = "import", "File import"


class SyncRunQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_RUN_STATUSES)


class SyncRun(models.Model):
    """One run of a connection's sync: what it did, how far it got and what went wrong.

    At most one queued or running run per connection (a partial unique constraint); the worker
    that runs it holds a lease (``lease_until``) renewed after every page, so a run whose worker
    died can be taken over once the lease lapses.
    """

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="runs")
    kind = models.CharField(max_length=10, choices=RunKind.choices, default=RunKind.PULL)
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Workers that took the run.")
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    cursor = models.JSONField(default=dict, blank=True)
    source_file = models.CharField(max_length=300, blank=True, help_text="Import runs: the file.")
    source_size = models.PositiveBigIntegerField(default=0)

    objects = SyncRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection"],
                condition=Q(status__in=ACTIVE_RUN_STATUSES),
                name="syncrun_one_active_per_connection",
            )
        ]
        indexes = [models.Index(fields=["connection", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.connection.name} run #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_RUN_STATUSES

    @property
    def records(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    @property
    def progress_percent(self) -> int | None:
        """File imports know their size; pulls do not know their total (Jira and HubSpot give
        none), so they show pages done instead."""
        if self.kind == RunKind.IMPORT and self.source_size:
            done = int(self.cursor.get("offset", 0))
            return min(100, round(100 * done / self.source_size))
        return None


class SyncedRecord(models.Model):
    """Lineage of a record pulled from an external tool: its remote id, the remote version we
    applied and a fingerprint of the values, so a second run recognises what it already has."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="records")
    external_id = models.CharField(max_length=128)
    local_id = models.PositiveBigIntegerField(null=True, blank=True)
    remote_updated = models.CharField(max_length=40, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    last_seen_at = models.DateTimeField(db_index=True)
    last_run = models.ForeignKey(SyncRun, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        ordering = ["connection", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "external_id"], name="syncedrecord_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.connection.name}: {self.external_id}"


class WebhookReceipt(models.Model):
    """An inbound webhook delivery already handled (by its delivery id), so a replay is stored
    once."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="receipts")
    delivery_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(auto_now_add=True)
    event = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "delivery_id"], name="webhookreceipt_unique_delivery"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.delivery_id}"


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
        Connection, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
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


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    DEAD = "dead", "Dead letter"


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )

    def dead(self):
        return self.filter(status=DeliveryStatus.DEAD)


class Delivery(models.Model):
    """One outbox event on its way to one outbound endpoint (webhook or Slack)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(
        "portal.OutboxEvent", on_delete=models.CASCADE, related_name="deliveries"
    )
    topic = models.CharField(max_length=60, db_index=True)
    status = models.CharField(
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    dead_lettered_at = models.DateTimeField(null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "event"], name="delivery_once_per_endpoint"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.connection.name} ({self.status})"


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
