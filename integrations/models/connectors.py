"""Connector runs: connections to external tools, sync runs, synced-record lineage, inbound
webhook receipts, outbound deliveries and Jira issue requests. What a kind of connection needs
(base URL, settings, syncer, webhook) is each connector's own, in ``integrations.connectors``'s
registry; this module does not branch on kinds."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from portal import netguard

__all__ = [
    "OUTBOUND_TOPICS",
    "Connection",
    "ConnectionKind",
    "Delivery",
    "DeliveryStatus",
    "JiraIssueRequest",
    "JiraIssueRequestStatus",
    "RunKind",
    "RunStatus",
    "SyncRun",
    "SyncedRecord",
    "WebhookReceipt",
]

# A connection may only read environment variables with this prefix: a credential variable
# naming SECRET_KEY or DATABASE_URL would send the portal's own secrets to whatever the base URL
# points at.
CREDENTIAL_ENV_PREFIX = "CONNECTOR_"
ENV_NAME_HELP = (
    f"The NAME of an environment variable starting with {CREDENTIAL_ENV_PREFIX} "
    "(never the secret itself)."
)


def credential_env_problem(name: str) -> str | None:
    """Why a connection may not read this environment variable, or None."""
    if not name:
        return None
    if not name.replace("_", "").isalnum() or not name.isupper():
        return f"Use an environment variable name, like {CREDENTIAL_ENV_PREFIX}JIRA_TOKEN."
    if not name.startswith(CREDENTIAL_ENV_PREFIX) or name == CREDENTIAL_ENV_PREFIX:
        return (
            f"Credential variables must start with {CREDENTIAL_ENV_PREFIX} "
            f"(e.g. {CREDENTIAL_ENV_PREFIX}{name.removeprefix('_') or 'TOKEN'}), so a connection "
            "cannot read the portal's own secrets."
        )
    if hasattr(settings, name):
        return f"{name} is one of the portal's own settings, not a credential."
    return None


def _read_env(name: str) -> str:
    return os.environ.get(name, "") if name and credential_env_problem(name) is None else ""


class ConnectionKind(models.TextChoices):
    JIRA = "jira", "Jira Cloud"
    CRM = "crm", "CRM (HubSpot companies)"
    ANALYTICS = "analytics", "Product analytics (Segment track)"
    WEBHOOK = "webhook", "Outbound webhook"
    SLACK = "slack", "Slack incoming webhook"


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
        from integrations.connectors.registry import pull_kinds

        return self.filter(kind__in=pull_kinds())

    def outbound_for(self, topic: str) -> list:
        # Few endpoints: filter the JSON list in Python (SQLite has no JSON containment).
        from integrations.connectors.registry import outbound_kinds

        candidates = self.enabled().filter(kind__in=outbound_kinds())
        return [c for c in candidates if topic in c.settings.get("events", [])]


# What a person may set on a connection, in the page's form and over the API alike.
CONNECTION_EDITABLE_FIELDS = [
    "name",
    "kind",
    "base_url",
    "credential_env",
    "secret_env",
    "enabled",
    "interval_minutes",
    "settings",
]
CONNECTION_SETTINGS_HELP = (
    'A JSON object, e.g. {"project_key": "PROD"} for Jira, '
    '{"properties": {"arr": "annualrevenue"}} for the CRM, '
    '{"events": ["item_shipped"]} for webhooks and Slack.'
)


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

    # What a person set (kind, URL, credential variable names, schedule, settings); how far the
    # syncs got (cursor, last sync) is the runs' bookkeeping, written with ``update()``.
    history = HistoricalRecords(excluded_fields=["cursor", "last_synced_at", "updated_at"])
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
        for name in ("credential_env", "secret_env"):
            problem = credential_env_problem(getattr(self, name))
            if problem:
                errors[name] = problem
        connector = self.connector
        if connector.needs_base_url and not self.base_url:
            errors["base_url"] = "This kind of connection needs a base URL."
        url_problem = netguard.url_problem(self.base_url)
        if url_problem:
            errors["base_url"] = url_problem
        if not isinstance(self.settings, dict):
            errors["settings"] = "Settings must be a JSON object."
        else:
            errors.update(connector.validate_settings(self.settings))
        if errors:
            raise ValidationError(errors)

    @property
    def connector(self):
        """This kind's connector (client, syncer, webhook, settings validation)."""
        from integrations.connectors.registry import connector_for

        return connector_for(self.kind)

    def credential(self) -> str:
        """The credential's value; empty for a variable outside the allowed prefix (a row saved
        before the rule, or written around the form)."""
        return _read_env(self.credential_env)

    def secret(self) -> str:
        return _read_env(self.secret_env)

    @property
    def is_pull(self) -> bool:
        return self.connector.is_pull

    @property
    def is_outbound(self) -> bool:
        return self.connector.outbound

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
        # Only pending rows: the claims stay index scans however many delivered rows pile up.
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=Q(status="pending"),
                name="delivery_due",
            ),
            models.Index(
                fields=["connection", "event"],
                condition=Q(status="pending"),
                name="delivery_pending_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.connection.name} ({self.status})"


class JiraIssueRequestStatus(models.TextChoices):
    PENDING = "pending", "Creating…"
    FAILED = "failed", "Failed"
    DONE = "done", "Created"


class JiraIssueRequest(models.Model):
    """A request to create the Jira issue of a roadmap item, carried out by a Celery task (the
    item page shows "creating…" until the key arrives, or the error in words). One per item: a
    retry after a failure reuses it. Written only by ``integrations.connectors.jira.services``."""

    item = models.OneToOneField(
        "roadmap.RoadmapItem", on_delete=models.CASCADE, related_name="jira_issue_request"
    )
    status = models.CharField(
        max_length=10,
        choices=JiraIssueRequestStatus.choices,
        default=JiraIssueRequestStatus.PENDING,
        db_index=True,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Tasks that took the request.")
    claimed_until = models.DateTimeField(null=True, blank=True)
    issue_key = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Jira issue for item {self.item_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == JiraIssueRequestStatus.PENDING
