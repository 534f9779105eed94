from django.contrib import admin

from portal.admin_mixins import HistoryAdmin, ReadOnlyAdminMixin, ReadOnlyInlineMixin
from roadmap.models import BetaParticipant, BetaProgram

from .services import PROGRAM_FIELDS, beta_program_create, beta_program_update


class BetaParticipantInline(ReadOnlyInlineMixin, admin.TabularInline):
    """Participants move on the program page (nominate, transitions, complete)."""

    model = BetaParticipant
    fields = ["account", "csm", "state", "nominated_at", "validation_rating"]
    readonly_fields = fields


@admin.register(BetaProgram)
class BetaProgramAdmin(HistoryAdmin):
    """Saves go through ``beta_program_create`` / ``beta_program_update``."""

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
    fields = ["item", *PROGRAM_FIELDS]
    raw_id_fields = ["item"]
    inlines = [BetaParticipantInline]

    def get_readonly_fields(self, request, obj=None):
        return ["item"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # close a program instead

    def revert_disabled(self, request, obj=None):
        return True

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in PROGRAM_FIELDS if name in form.fields}
        if change:
            beta_program_update(program=obj, actor=request.user, **fields)
        else:
            program = beta_program_create(
                item=form.cleaned_data["item"], actor=request.user, **fields
            )
            obj.pk = program.pk
            obj._state.adding = False


@admin.register(BetaParticipant)
class BetaParticipantAdmin(ReadOnlyAdminMixin, HistoryAdmin):
    list_display = ["account", "program", "state", "csm", "nominated_at", "validation_rating"]
    list_filter = ["state", "validation_rating", "program"]
    search_fields = ["account__name", "program__name"]
    list_select_related = ["account", "program", "csm"]
