from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .beta import admin as beta_admin  # noqa: F401
from .models import (
    RoadmapItem,
    ScoreSnapshot,
    ScoringDirtyItem,
    ScoringPolicy,
    ScoringState,
    Vote,
)


class VoteInline(admin.TabularInline):
    model = Vote
    extra = 0
    fields = ["account", "rep", "expected_health_impact", "evidence", "updated_at"]
    readonly_fields = ["updated_at"]
    raw_id_fields = ["account", "rep"]


@admin.register(RoadmapItem)
class RoadmapItemAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "status",
        "rank",
        "score",
        "product_area",
        "horizon",
        "owner",
        "impact",
        "confidence",
        "effort",
        "jira_key",
        "scored_at",
    ]
    list_filter = ["status", "horizon", "product_area"]
    search_fields = ["title", "description", "jira_key"]
    list_select_related = ["owner"]
    readonly_fields = ["score", "rank", "score_breakdown", "scored_at", "created_at", "updated_at"]
    raw_id_fields = ["owner"]
    inlines = [VoteInline]


@admin.register(Vote)
class VoteAdmin(SimpleHistoryAdmin):
    list_display = ["item", "account", "rep", "expected_health_impact", "updated_at"]
    list_filter = ["expected_health_impact", "item__status"]
    search_fields = ["item__title", "account__name", "rep__username", "evidence"]
    list_select_related = ["item", "account", "rep"]
    raw_id_fields = ["item", "account", "rep"]


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "consensus_threshold", "consensus_damping", "updated_at"]
    readonly_fields = ["version", "updated_at"]

    def has_add_permission(self, request):
        return not ScoringPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: a new version and a recompute, as in the portal.
        from .services import scoring_policy_update

        scoring_policy_update(actor=request.user, **{f: form.cleaned_data[f] for f in form.fields})


@admin.register(ScoringState)
class ScoringStateAdmin(admin.ModelAdmin):
    list_display = ["__str__", "dirty_since", "last_finished_at", "last_duration_ms", "last_items"]
    readonly_fields = [
        "runs",
        "last_started_at",
        "last_finished_at",
        "last_duration_ms",
        "last_items",
        "last_rank_changes",
        "last_error",
    ]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(admin.ModelAdmin):
    list_display = ["item", "recorded_at", "score", "rank", "demand", "accounts", "policy_version"]
    list_filter = ["policy_version"]
    search_fields = ["item__title"]
    list_select_related = ["item"]
    raw_id_fields = ["item"]
    date_hierarchy = "recorded_at"


@admin.register(ScoringDirtyItem)
class ScoringDirtyItemAdmin(admin.ModelAdmin):
    """Items waiting for the next incremental recompute (written by ``priorities_request``)."""

    list_display = ["item_id", "requested_at"]
    search_fields = ["item_id"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
