# Admin registrations for this area (imported by the app's admin.py).
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from roadmap.models import (
    BetaParticipant,
    BetaProgram,
    LaunchPlan,
    Milestone,
    MilestoneReminder,
)


class BetaParticipantInline(admin.TabularInline):
    model = BetaParticipant
    extra = 0
    fields = ["account", "csm", "state", "nominated_at", "validation_rating"]
    readonly_fields = ["nominated_at"]
    raw_id_fields = ["account", "csm"]


@admin.register(BetaProgram)
class BetaProgramAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "item",
        "status",
        "capacity",
        "starts_on",
        "ends_on",
        "pm_owner",
        "cs_owner",
        "min_health_score",
        "per_csm_cap",
    ]
    list_filter = ["status", "sandbox_required", "feedback_commitment_required"]
    search_fields = ["name", "item__title", "goal"]
    list_select_related = ["item", "pm_owner", "cs_owner"]
    raw_id_fields = ["item"]
    inlines = [BetaParticipantInline]


@admin.register(BetaParticipant)
class BetaParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["account", "program", "state", "csm", "nominated_at", "validation_rating"]
    list_filter = ["state", "validation_rating", "program"]
    search_fields = ["account__name", "program__name"]
    list_select_related = ["account", "program", "csm"]
    raw_id_fields = ["account", "program", "csm", "nominated_by"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "due_date", "offset_days", "critical", "owner", "done_at"]


@admin.register(LaunchPlan)
class LaunchPlanAdmin(SimpleHistoryAdmin):
    list_display = ["item", "launch_date", "owner", "created_at"]
    search_fields = ["item__title"]
    list_select_related = ["item", "owner"]
    raw_id_fields = ["item"]
    inlines = [MilestoneInline]

    @admin.display(ordering="item__launch_date")
    def launch_date(self, obj):
        return obj.item.launch_date


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
    list_display = ["name", "plan", "due_date", "offset_days", "critical", "owner", "done_at"]
    list_filter = ["critical", ("done_at", admin.EmptyFieldListFilter), "key"]
    search_fields = ["name", "plan__item__title"]
    list_select_related = ["plan__item", "owner"]
    filter_horizontal = ["depends_on"]


@admin.register(MilestoneReminder)
class MilestoneReminderAdmin(admin.ModelAdmin):
    list_display = ["milestone", "sent_on", "recipient", "kind"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["milestone__name", "recipient"]
    list_select_related = ["milestone__plan__item"]
