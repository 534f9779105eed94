from django.contrib import admin

from portal.admin_mixins import HistoryAdmin, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from roadmap.models import LaunchPlan, Milestone, MilestoneReminder

# Read-only: plans, milestones and reminders change on the launch pages and in the daily task,
# through roadmap.launches.services.


class MilestoneInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Milestone
    fields = ["name", "due_date", "offset_days", "critical", "owner", "done_at"]
    readonly_fields = fields


@admin.register(LaunchPlan)
class LaunchPlanAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["item", "launch_date", "owner", "created_at"]
    search_fields = ["item__title"]
    list_select_related = ["item", "owner"]
    inlines = [MilestoneInline]

    @admin.display(ordering="item__launch_date")
    def launch_date(self, obj):
        return obj.item.launch_date


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["name", "plan", "due_date", "offset_days", "critical", "owner", "done_at"]
    list_filter = ["critical", ("done_at", admin.EmptyFieldListFilter), "key"]
    search_fields = ["name", "plan__item__title"]
    list_select_related = ["plan__item", "owner"]


@admin.register(MilestoneReminder)
class MilestoneReminderAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["milestone", "sent_on", "recipient", "kind"]
    list_filter = ["kind", "sent_on"]
    search_fields = ["milestone__name", "recipient"]
    list_select_related = ["milestone__plan__item"]
