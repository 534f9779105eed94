"""Feedback in the admin: for looking things up. Services are the only writers, so what a
service owns (status, roadmap item, duplicate, submitter, accounts, evidence, …) is read-only
here, nothing is added or deleted, and the one edit (triage fields) goes through
``services.ticket_triage`` (history, priority recompute)."""

from django.contrib import admin

from portal.admin_mixins import HistoryAdmin

from . import services
from .models import (
    FeedbackTicket,
    IdempotencyKey,
    ShipNotification,
    TicketAccount,
    TicketAttachment,
    TriageAction,
)


class ReadOnlyAdminMixin:
    """Nothing added, changed or deleted through the admin (the records are the services')."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketAccountInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketAccount
    extra = 0
    fields = ["account", "added_by", "joined", "note", "created_at"]
    readonly_fields = fields


class TicketAttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TicketAttachment
    extra = 0
    fields = ["original_name", "file", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = fields


class ShipNotificationInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ShipNotification
    extra = 0
    fields = ["recipient", "email", "sent_at"]
    readonly_fields = fields


@admin.register(FeedbackTicket)
class FeedbackTicketAdmin(HistoryAdmin):
    list_display = [
        "id",
        "title",
        "account",
        "status",
        "impact",
        "category",
        "source",
        "product_area",
        "roadmap_item",
        "submitter",
        "created_at",
    ]
    list_filter = ["status", "impact", "category", "source", "account__tier", "created_at"]
    search_fields = ["title", "description", "account__name", "customer_quote"]
    list_select_related = ["account", "roadmap_item", "submitter"]
    date_hierarchy = "created_at"
    inlines = [TicketAccountInline, TicketAttachmentInline, ShipNotificationInline]
    # Editable: the triage fields, saved through the triage service. Everything else is written
    # by a service of its own (submit, join, set status, link, merge) and read-only here.
    fields = [
        "title",
        "account",
        "submitter",
        "description",
        "customer_quote",
        "source",
        *services.TRIAGE_FIELDS,
        "status",
        "declined_reason",
        "duplicate_of",
        "roadmap_item",
        "beta_program",
        "account_count",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [f for f in fields if f not in services.TRIAGE_FIELDS]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        services.ticket_triage(
            ticket=obj,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in services.TRIAGE_FIELDS},
        )


@admin.register(TicketAccount)
class TicketAccountAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["ticket", "account", "added_by", "created_at"]
    list_filter = ["account__tier", "created_at"]
    search_fields = ["ticket__title", "account__name", "note"]
    list_select_related = ["ticket", "account", "added_by"]


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "ticket__title"]
    list_select_related = ["ticket", "uploaded_by"]


@admin.register(ShipNotification)
class ShipNotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["ticket", "recipient", "email", "sent_at"]
    search_fields = ["email", "ticket__title"]
    list_select_related = ["ticket", "recipient"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["key", "user", "status_code", "created_at"]
    list_filter = ["status_code"]
    search_fields = ["key", "user__username"]
    list_select_related = ["user"]


@admin.register(TriageAction)
class TriageActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Merges and declines with what they changed, and whether (and by whom) they were undone."""

    list_display = ["id", "kind", "ticket", "kept", "previous_status", "actor", "created_at"]
    list_display += ["undone_at", "undone_by"]
    list_filter = ["kind", "previous_status", "created_at", "undone_at"]
    search_fields = ["ticket__title", "kept__title", "actor__username", "batch"]
    list_select_related = ["ticket", "kept", "actor", "undone_by"]
