from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .admin_mixins import HistoryAdmin
from .apiaccess import admin as _apiaccess_admin  # noqa: F401 (registers the API access admins)
from .models import Account, OutboxEvent, User
from .outbox import outbox_redispatch
from .services import account_save


@admin.register(User)
class UserAdmin(HistoryAdmin, DjangoUserAdmin):
    """People and their roles (groups); the History page shows who changed which, and when
    (never the password hash)."""

    list_display = ["username", "email", "first_name", "last_name", "role_list", "is_active"]
    list_filter = ["groups", "is_active", "is_staff"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="Roles")
    def role_list(self, obj):
        return ", ".join(obj.roles) or "—"


@admin.register(Account)
class AccountAdmin(HistoryAdmin):
    list_display = [
        "name",
        "tier",
        "arr",
        "health_score",
        "health_band",
        "segment",
        "lifecycle_stage",
        "renewal_on",
        "csm_owner",
        "has_sandbox",
        "beta_feedback_commitment",
    ]
    list_filter = [
        "tier",
        "health_band",
        "lifecycle_stage",
        "segment",
        "has_sandbox",
        "beta_feedback_commitment",
        ("crm_missing_since", admin.EmptyFieldListFilter),
        ("renewal_on", admin.EmptyFieldListFilter),
    ]
    search_fields = ["name", "crm_id", "analytics_id", "segment"]
    list_select_related = ["csm_owner"]
    autocomplete_fields = ["csm_owner"]
    readonly_fields = ["health_band", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        # Through the service: validated, history by the admin, and a re-score when the tier,
        # ARR, health or CSM changed (as a CRM sync does).
        names = form.changed_data if change else list(form.fields)
        fields = {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}
        account, _ = account_save(actor=request.user, account=obj if change else None, **fields)
        obj.pk = account.pk
        obj._state.adding = False


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ["id", "topic", "created_at", "dispatched_at", "attempts", "short_error"]
    list_filter = ["topic", ("dispatched_at", admin.EmptyFieldListFilter)]
    search_fields = ["topic", "last_error"]
    readonly_fields = ["topic", "payload", "created_at", "dispatched_at", "attempts", "last_error"]
    actions = ["mark_pending"]

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error[:80]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Dispatch again (mark pending)")
    def mark_pending(self, request, queryset):
        count = outbox_redispatch(event_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} event(s) will be dispatched again.")
