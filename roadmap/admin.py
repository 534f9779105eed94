from django.contrib import admin

from portal.admin_mixins import HistoryAdmin, ReadOnlyAdminMixin, ReadOnlyInlineMixin

from .betas import admin as betas_admin  # noqa: F401
from .launches import admin as launches_admin  # noqa: F401
from .models import (
    RoadmapItem,
    ScoreSnapshot,
    ScoringDirtyItem,
    ScoringPolicy,
    ScoringState,
    Vote,
)
from .services import roadmap_item_create, roadmap_item_update, scoring_policy_update


class VoteInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Votes are cast and withdrawn on the item page (``vote_cast`` / ``vote_withdraw``)."""

    model = Vote
    fields = ["account", "rep", "expected_health_impact", "evidence", "updated_at"]
    readonly_fields = fields


@admin.register(RoadmapItem)
class RoadmapItemAdmin(HistoryAdmin):
    """Edits go through ``roadmap_item_create`` / ``roadmap_item_update`` (history and a
    recompute). The status moves on the board only (``roadmap_item_move``: ``item_shipped`` and a
    recompute); the engine's fields are read-only."""

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
    readonly_fields = [
        "status",
        "shipped_at",
        "score",
        "rank",
        "score_breakdown",
        "scored_at",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["owner"]
    inlines = [VoteInline]

    def has_delete_permission(self, request, obj=None):
        return False  # decline an item instead: votes, feedback and history stay

    def revert_disabled(self, request, obj=None):
        return True  # a revert would restore the status around the board's move

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.fields}
        if change:
            changed = {name: fields[name] for name in form.changed_data if name in fields}
            roadmap_item_update(item=obj, actor=request.user, **changed)
        else:
            item = roadmap_item_create(actor=request.user, **fields)
            obj.pk = item.pk
            obj._state.adding = False


@admin.register(Vote)
class VoteAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    """Read-only: votes are cast and withdrawn by CS reps (``vote_cast`` / ``vote_withdraw``)."""

    list_display = ["item", "account", "rep", "expected_health_impact", "updated_at"]
    list_filter = ["expected_health_impact", "item__status"]
    search_fields = ["item__title", "account__name", "rep__username", "evidence"]
    list_select_related = ["item", "account", "rep"]


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(HistoryAdmin):
    list_display = ["__str__", "consensus_threshold", "consensus_damping", "updated_at"]
    readonly_fields = ["version", "updated_at"]

    def has_add_permission(self, request):
        return not ScoringPolicy.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: a new version and a recompute, as in the portal.
        scoring_policy_update(actor=request.user, **{f: form.cleaned_data[f] for f in form.fields})


@admin.register(ScoringState)
class ScoringStateAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The engine's bookkeeping (written by ``roadmap.scoring``)."""

    list_display = ["__str__", "dirty_since", "last_finished_at", "last_duration_ms", "last_items"]


@admin.register(ScoreSnapshot)
class ScoreSnapshotAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["item", "recorded_at", "score", "rank", "demand", "accounts", "policy_version"]
    list_filter = ["policy_version"]
    search_fields = ["item__title"]
    list_select_related = ["item"]
    date_hierarchy = "recorded_at"


@admin.register(ScoringDirtyItem)
class ScoringDirtyItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Items waiting for the next incremental recompute (written by ``priorities_request``)."""

    list_display = ["item_id", "requested_at"]
    search_fields = ["item_id"]
    date_hierarchy = "requested_at"
