from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal.models import Account
from portal.textlimits import LONG, MEDIUM, SHORT, bounded_text

from .choices import NO_DEMAND_STATUSES, Category, Impact, Source, TicketStatus

# What a CS rep fills in when filing feedback (besides the account): the submit service, the
# form and the API serializer all take their field list from here.
SUBMIT_FIELDS = (
    "title",
    "description",
    "category",
    "impact",
    "source",
    "product_area",
    "customer_quote",
    "beta_program",
)


class FeedbackTicketQuerySet(models.QuerySet):
    def for_lists(self):
        return self.select_related("account", "submitter", "roadmap_item")

    def involving(self, user):
        """Tickets the user submitted or added an account to. (A link made at filing is the
        submitter's own: the joined ones are enough, a few rows of a partial index instead of
        every link the user ever made.)"""
        joined = TicketAccount.objects.filter(added_by=user, joined=True).values("ticket_id")
        return self.filter(Q(submitter=user) | Q(pk__in_array=joined))

    def counting_as_demand(self):
        return self.exclude(status__in=NO_DEMAND_STATUSES)


class FeedbackTicket(models.Model):
    """A piece of customer feedback filed by a CS rep for an account; more accounts may join it."""

    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="feedback_tickets")
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_feedback"
    )
    title = models.CharField(max_length=200)
    description = bounded_text(LONG, help_text="Markdown: what the customer needs and why.")
    category = models.CharField(max_length=20, choices=Category.choices)
    impact = models.CharField(max_length=10, choices=Impact.choices, db_index=True)
    source = models.CharField("source channel", max_length=20, choices=Source.choices)
    product_area = models.CharField(max_length=80, blank=True, db_index=True)
    customer_quote = bounded_text(MEDIUM, blank=True, help_text="The customer's own words.")
    status = models.CharField(
        max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW, db_index=True
    )
    declined_reason = bounded_text(SHORT, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    roadmap_item = models.ForeignKey(
        "roadmap.RoadmapItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_tickets",
    )
    beta_program = models.ForeignKey(
        "roadmap.BetaProgram",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_tickets",
        help_text="Beta feedback is tagged with its program.",
    )
    # How many accounts are on the ticket, kept by the services (join, merge) so the triage list
    # can sort by it without counting every ticket's accounts.
    account_count = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["account_count"])
    objects = FeedbackTicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("triage_feedbackticket", "Can triage feedback tickets"),
            ("join_feedbackticket", "Can add an account to a feedback ticket"),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            # "My open feedback, newest change first": a walk that stops at the first few.
            models.Index(fields=["submitter", "updated_at", "id"], name="feedback_ticket_mine"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=TicketStatus.DUPLICATE) | Q(duplicate_of__isnull=False),
                name="feedback_duplicate_names_kept_ticket",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("feedback:detail", args=[self.pk])

    def clean(self):
        if self.status == TicketStatus.DECLINED and not self.declined_reason.strip():
            raise ValidationError({"declined_reason": "Say why the ticket is declined."})
        if self.duplicate_of_id and self.duplicate_of_id == self.pk:
            raise ValidationError({"duplicate_of": "A ticket cannot duplicate itself."})

    @property
    def delivery_estimate(self):
        item = self.roadmap_item
        if item is None:
            return None
        return item.target_date or item.launch_date


class TicketAccount(models.Model):
    """An account on a ticket, with the rep who added it (the submitting account is one too)."""

    ticket = models.ForeignKey(
        FeedbackTicket, on_delete=models.CASCADE, related_name="ticket_accounts"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="ticket_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="joined_feedback"
    )
    note = bounded_text(SHORT, blank=True)
    # False only for the link made when the ticket was filed (its submitter's account): the rest
    # were joined, or moved here by a merge. Kept by the services; the home page's "tickets I
    # joined" reads the few joined links instead of every link the rep ever made.
    joined = models.BooleanField(default=True, db_default=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "account"], name="feedback_account_once")
        ]
        indexes = [
            models.Index(
                fields=["added_by", "ticket"],
                condition=Q(joined=True),
                name="feedback_link_joined_by",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} on #{self.ticket_id}"


def attachment_path(instance, filename: str) -> str:
    """``filename`` is already random with the sniffed extension (``attachments.stored_name``)."""
    return f"feedback/{instance.ticket_id}/{filename}"


class TicketAttachment(models.Model):
    """Evidence for a ticket: a screenshot or a PDF, its type checked by content."""

    ticket = models.ForeignKey(FeedbackTicket, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Added by the submitter; moved between tickets by a merge and its undo.
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("feedback:attachment", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def download_name(self) -> str:
        """The client's name with the extension of the stored (sniffed) file: ``p.js`` that is
        really a GIF downloads as ``p.gif``."""
        stem = PurePath(self.original_name).stem or "evidence"
        return f"{stem}{PurePath(self.file.name).suffix}"


class ShipNotification(models.Model):
    """One close-the-loop email: the unique row makes every person hear once per ticket."""

    ticket = models.ForeignKey(
        FeedbackTicket, on_delete=models.CASCADE, related_name="ship_notifications"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "recipient"], name="feedback_notify_once")
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.email}"


class IdempotencyKey(models.Model):
    """A completed API submission: a retry with the same key gets this response back."""

    key = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    # The JSON text as first sent (not jsonb, which would reorder keys): a replay is identical.
    response = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="feedback_idempotency_once")
        ]

    def __str__(self) -> str:
        return self.key


class TriageAction(models.Model):
    """A merge or a decline, with what it changed, so that its undo puts exactly that back.

    Written by ``ticket_mark_duplicate`` and ``ticket_set_status`` (declines); read and closed by
    ``feedback_merge_undo`` / ``feedback_decline_undo``. One user action shares one ``batch``
    (a bulk decline of twenty tickets is undone as one)."""

    class Kind(models.TextChoices):
        MERGE = "merge", "Merge"
        DECLINE = "decline", "Decline"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    batch = models.UUIDField(db_index=True)
    ticket = models.ForeignKey(
        FeedbackTicket, on_delete=models.CASCADE, related_name="triage_actions"
    )
    kept = models.ForeignKey(
        FeedbackTicket,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The ticket a merge kept.",
    )
    previous_status = models.CharField(max_length=20, choices=TicketStatus.choices)
    previous_declined_reason = models.TextField(blank=True)
    # What a merge moved onto the kept ticket (ids), and which of the kept ticket's fields it
    # filled from the duplicate.
    moved_links = models.JSONField(default=list, blank=True)
    moved_attachments = models.JSONField(default=list, blank=True)
    kept_fields = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="merge") | Q(kept__isnull=False),
                name="feedback_triage_merge_names_kept",
            ),
        ]

    def __str__(self) -> str:
        target = f" into #{self.kept_id}" if self.kept_id else ""
        return f"{self.get_kind_display()} #{self.ticket_id}{target}"
