from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    FeedbackTicket,
    IdempotencyKey,
    ShipNotification,
    TicketAccount,
    TicketAttachment,
)


class TicketAccountInline(admin.TabularInline):
    model = TicketAccount
    extra = 0
    fields = ["account", "added_by", "note", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["account", "added_by"]


class TicketAttachmentInline(admin.TabularInline):
    model = TicketAttachment
    extra = 0
    fields = ["original_name", "file", "content_type", "size", "uploaded_by", "created_at"]
    readonly_fields = ["content_type", "size", "created_at"]
    raw_id_fields = ["uploaded_by"]


class ShipNotificationInline(admin.TabularInline):
    model = ShipNotification
    extra = 0
    fields = ["recipient", "email", "sent_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(FeedbackTicket)
class FeedbackTicketAdmin(SimpleHistoryAdmin):
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
    raw_id_fields = ["account", "submitter", "duplicate_of", "roadmap_item", "beta_program"]
    date_hierarchy = "created_at"
    inlines = [TicketAccountInline, TicketAttachmentInline, ShipNotificationInline]


@admin.register(TicketAccount)
class TicketAccountAdmin(SimpleHistoryAdmin):
    list_display = ["ticket", "account", "added_by", "created_at"]
    list_filter = ["account__tier", "created_at"]
    search_fields = ["ticket__title", "account__name", "note"]
    list_select_related = ["ticket", "account", "added_by"]
    raw_id_fields = ["ticket", "account", "added_by"]


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "ticket", "content_type", "size", "uploaded_by", "created_at"]
    list_filter = ["content_type"]
    search_fields = ["original_name", "ticket__title"]
    list_select_related = ["ticket", "uploaded_by"]
    raw_id_fields = ["ticket", "uploaded_by"]


@admin.register(ShipNotification)
class ShipNotificationAdmin(admin.ModelAdmin):
    list_display = ["ticket", "recipient", "email", "sent_at"]
    search_fields = ["email", "ticket__title"]
    list_select_related = ["ticket", "recipient"]
    raw_id_fields = ["ticket", "recipient"]


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["key", "user", "status_code", "created_at"]
    list_filter = ["status_code"]
    search_fields = ["key", "user__username"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["request_hash", "response"]
