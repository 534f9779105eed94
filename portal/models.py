from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .choices import HEALTH_GREEN_FROM, HEALTH_YELLOW_FROM, HealthBand, LifecycleStage, Role, Tier

# Never in a user's history: the password hash (a copy in history would outlive a password
# change), and what changes on every login or page view (last login, inbox count, home visit).
USER_FIELDS_NOT_IN_HISTORY = ["password", "last_login", "inbox_unread", "home_seen_at"]


class User(AbstractUser):
    """A person who signs in to the portal; what they may do comes from their role groups."""

    # Kept by the inbox services (recounted in the transaction that changes the entries), so the
    # header shows it from the user row the request loads anyway: no query on every page.
    inbox_unread = models.PositiveIntegerField(default=0, editable=False)
    # When the user last opened the home page: "what changed since my last visit".
    home_seen_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Who changed a user and what: names, e-mail, active/staff flags and the role groups.
    history = HistoricalRecords(excluded_fields=USER_FIELDS_NOT_IN_HISTORY, m2m_fields=["groups"])

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args, update_fields=None, **kwargs):
        # A save of fields history leaves out (Django's login writes ``last_login`` only) would
        # add a row that says nothing: skip it.
        quiet = bool(update_fields) and set(update_fields) <= set(USER_FIELDS_NOT_IN_HISTORY)
        if quiet:
            self.skip_history_when_saving = True
        try:
            super().save(*args, update_fields=update_fields, **kwargs)
        finally:
            if quiet:
                del self.skip_history_when_saving

    def has_role(self, role: str) -> bool:
        # Uses the prefetch cache when the caller loaded groups, one query otherwise.
        return any(group.name == role for group in self.groups.all())

    @property
    def roles(self) -> list[str]:
        names = {group.name for group in self.groups.all()}
        return [role.value for role in Role if role.value in names]


class AccountQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(lifecycle_stage=LifecycleStage.CHURNED)

    def managed_by(self, user):
        return self.filter(csm_owner=user)

    def for_lists(self):
        return self.select_related("csm_owner")


class Account(models.Model):
    """A customer account: who the feedback, votes and betas are on behalf of."""

    name = models.CharField(max_length=200, db_index=True)
    crm_id = models.CharField(
        "CRM id", max_length=64, unique=True, null=True, blank=True, help_text="Id in the CRM."
    )
    analytics_id = models.CharField(
        "analytics id",
        max_length=128,
        unique=True,
        null=True,
        blank=True,
        help_text="Group id in product analytics events.",
    )
    # Tier, ARR and health may be unknown (NULL): a CRM company created without them stays
    # unknown rather than getting invented values; pages show "unknown" and the priority engine
    # counts an unknown tier as SMB and an unknown ARR as 0, and says so in its explanation.
    tier = models.CharField(
        max_length=20,
        choices=Tier.choices,
        default=Tier.SMB,
        null=True,
        blank=True,
        db_index=True,
        help_text="Empty: unknown.",
    )
    arr = models.DecimalField(
        "ARR",
        max_digits=14,
        decimal_places=2,
        default=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Empty: unknown.",
    )
    health_score = models.PositiveSmallIntegerField(
        default=70,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Empty: unknown.",
    )
    health_band = models.GeneratedField(
        expression=Case(
            When(health_score__isnull=True, then=Value(None)),
            When(health_score__lt=HEALTH_YELLOW_FROM, then=Value(HealthBand.RED)),
            When(health_score__lt=HEALTH_GREEN_FROM, then=Value(HealthBand.YELLOW)),
            default=Value(HealthBand.GREEN),
        ),
        output_field=models.CharField(max_length=10, choices=HealthBand.choices, null=True),
        db_persist=True,
    )
    segment = models.CharField(
        max_length=60, blank=True, db_index=True, help_text="Industry or market segment."
    )
    lifecycle_stage = models.CharField(
        max_length=20, choices=LifecycleStage.choices, default=LifecycleStage.ADOPTING
    )
    csm_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="CSM owner",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_accounts",
    )
    has_sandbox = models.BooleanField(default=False)
    beta_feedback_commitment = models.BooleanField(
        default=False, help_text="Has agreed to give structured feedback in beta programs."
    )
    renewal_on = models.DateField(
        "renewal date",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the contract is next up for renewal, where known (from the CRM when a "
        "renewal property is mapped).",
    )
    crm_missing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when the CRM no longer returns this account; it is flagged, never deleted.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = AccountQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [
            (
                "act_for_any_account",
                "Can act on behalf of any account (file feedback, add it to tickets, vote)",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(health_score__gte=0) & Q(health_score__lte=100),
                name="account_health_score_0_100",
            ),
            models.CheckConstraint(condition=Q(arr__gte=0), name="account_arr_not_negative"),
        ]
        indexes = [models.Index(fields=["tier", "health_score"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("account-detail", args=[self.pk])

    @property
    def renewal_in_days(self) -> int | None:
        """Days until the renewal date (negative once it has passed); None when unknown."""
        if self.renewal_on is None:
            return None
        return (self.renewal_on - timezone.localdate()).days

    @property
    def renewal_label(self) -> str:
        """ "renews 2027-01-15 (in 44 days)", "renewal was due … (3 days ago)" or "renewal
        unknown"."""
        days = self.renewal_in_days
        if days is None:
            return "renewal unknown"
        on = self.renewal_on.isoformat()
        if days == 0:
            return f"renews today ({on})"
        if days < 0:
            return f"renewal was due {on} ({-days} day{'s' if days < -1 else ''} ago)"
        return f"renews {on} (in {days} day{'s' if days > 1 else ''})"


class OutboxEventQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(dispatched_at__isnull=True)


class OutboxEvent(models.Model):
    """An event recorded in the same transaction as the change it describes.

    A relay task hands pending events to the subscribers registered in ``portal.outbox`` and marks
    them dispatched, so nothing is lost while Redis or a worker is down.
    """

    topic = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboxEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_pending_idx",
                condition=Q(dispatched_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} #{self.pk}"


class InboxEntryQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class InboxEntry(models.Model):
    """One outbox event as it concerns one user: the in-portal side of the e-mail notices.

    Written only by ``portal.inbox.inbox_deliver`` from the outbox relay, with the audience each
    app registered for the topics it owns; read and marked read by the user on the inbox page.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_entries"
    )
    event = models.ForeignKey(
        OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=60)
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = InboxEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "inbox entries"
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="inbox_once_per_event")
        ]
        indexes = [
            models.Index(
                fields=["user", "-created_at"],
                name="inbox_unread_idx",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["user", "-created_at"], name="inbox_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.text}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def href(self) -> str:
        """The link, only when it is a path on this site: a stored ``javascript:`` (or another
        site's) URL is shown as plain text, never as a link."""
        url = self.url.strip()
        return url if url.startswith("/") and not url.startswith(("//", "/\\")) else ""


# API access (people's tokens, OAuth2 clients) lives in its own module; imported here so that
# Django finds the models of the portal app.
from .apiaccess.models import ApiClient, ApiToken  # noqa: E402, F401
