# Admin registrations for this area (imported by the app's admin.py).
from django.contrib import admin, messages
from django.db import models

from integrations.models import (
    AdoptionInsight,
    AnalyticsGroupMember,
    Connection,
    Delivery,
    DeliveryStatus,
    FeatureUsage,
    HeldEvent,
    JiraIssueRequest,
    ProcessedMessage,
    RecordReport,
    SyncedRecord,
    SyncRun,
    WebhookReceipt,
)
from portal.admin_mixins import HistoryAdmin, ReadOnlyAdminMixin

from .outbound.deliveries import delivery_redeliver
from .runs import RunAlreadyActive
from .services import connection_save, connection_sync_now

# Fields only a service or a sync may change are read-only here: runs, lineage, receipts, usage,
# deliveries and Jira requests are written by the connectors, never edited by hand.


class SyncRunInline(admin.TabularInline):
    model = SyncRun
    extra = 0
    can_delete = False
    fields = [
        "status",
        "kind",
        "started_at",
        "finished_at",
        "pages",
        "created",
        "updated",
        "failed",
        "error",
    ]
    readonly_fields = fields
    ordering = ["-created_at"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Connection)
class ConnectionAdmin(HistoryAdmin):
    list_display = ["name", "kind", "enabled", "interval_minutes", "last_synced_at", "base_url"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "base_url"]
    readonly_fields = ["cursor", "last_synced_at", "created_at", "updated_at"]
    inlines = [SyncRunInline]
    actions = ["sync_now"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Sync now")
    def sync_now(self, request, queryset):
        for connection in queryset.filter(enabled=True):
            if not connection.is_pull:
                continue
            try:
                connection_sync_now(connection=connection, actor=request.user)
            except RunAlreadyActive as exc:
                self.message_user(request, str(exc), messages.INFO)

    def save_model(self, request, obj, form, change):
        connection_save(connection=obj, actor=request.user)


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "connection",
        "kind",
        "status",
        "started_at",
        "finished_at",
        "pages",
        "created",
        "updated",
        "unchanged",
        "failed",
    ]
    list_filter = ["status", "kind", "connection"]
    search_fields = ["connection__name", "error"]
    list_select_related = ["connection"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]


@admin.register(SyncedRecord)
class SyncedRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["external_id", "connection", "local_id", "remote_updated", "last_seen_at"]
    list_filter = ["connection"]
    search_fields = ["external_id"]
    list_select_related = ["connection"]
    readonly_fields = [f.name for f in SyncedRecord._meta.fields]


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["delivery_id", "connection", "event", "received_at"]
    list_filter = ["connection", "event"]
    search_fields = ["delivery_id"]
    readonly_fields = [f.name for f in WebhookReceipt._meta.fields]


@admin.register(FeatureUsage)
class FeatureUsageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["account", "feature", "day", "events", "users", "last_event_at"]
    list_filter = ["feature", "day"]
    search_fields = ["account__name", "feature"]
    list_select_related = ["account"]
    date_hierarchy = "day"
    readonly_fields = [f.name for f in FeatureUsage._meta.fields]


@admin.register(AdoptionInsight)
class AdoptionInsightAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["feature", "day", "since", "until", "rate", "event", "created_at"]
    list_filter = ["day"]
    search_fields = ["feature"]
    date_hierarchy = "day"
    readonly_fields = [f.name for f in AdoptionInsight._meta.fields]


@admin.register(ProcessedMessage)
class ProcessedMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["message_id", "account", "feature", "day", "processed_at"]
    list_filter = ["connection", "day"]
    search_fields = ["message_id", "feature"]
    list_select_related = ["account"]
    readonly_fields = [f.name for f in ProcessedMessage._meta.fields]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "topic",
        "connection",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "short_error",
    ]
    list_filter = ["status", "topic", "connection"]
    search_fields = ["topic", "last_error"]
    list_select_related = ["connection"]
    # Only the delivery service changes a delivery (status, attempts, schedule): use "Redeliver".
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["redeliver"]

    @admin.display(description="last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    @admin.action(description="Redeliver")
    def redeliver(self, request, queryset):
        count = 0
        for delivery in queryset.exclude(status=DeliveryStatus.PENDING):
            delivery_redeliver(delivery=delivery, actor=request.user)
            count += 1
        self.message_user(request, f"{count} deliveries queued again.")


@admin.register(JiraIssueRequest)
class JiraIssueRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "status", "issue_key", "requested_by", "attempts", "updated_at"]
    list_filter = ["status"]
    search_fields = ["item__title", "issue_key"]
    list_select_related = ["item", "requested_by"]
    readonly_fields = [f.name for f in JiraIssueRequest._meta.fields]


@admin.register(RecordReport)
class RecordReportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "connection", "outcome", "external_id", "reason", "run"]
    list_filter = ["connection", "outcome"]
    search_fields = ["external_id", "reason"]
    list_select_related = ["connection", "run"]
    readonly_fields = [f.name for f in RecordReport._meta.fields]


@admin.register(HeldEvent)
class HeldEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["received_at", "connection", "message_id", "event", "account_ref", "reason"]
    list_filter = ["connection", "reason"]
    search_fields = ["message_id", "account_ref", "user_id", "event"]
    list_select_related = ["connection"]
    readonly_fields = [f.name for f in HeldEvent._meta.fields]


@admin.register(AnalyticsGroupMember)
class AnalyticsGroupMemberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user_id", "group_id", "connection", "updated_at"]
    list_filter = ["connection"]
    search_fields = ["user_id", "group_id"]
    list_select_related = ["connection"]
    readonly_fields = [f.name for f in AnalyticsGroupMember._meta.fields]
