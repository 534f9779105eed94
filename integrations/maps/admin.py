"""Admin for integration maps: every model to look at, with inlines and history.

A map's structure comes from its document (re-import to change it) and its progress from the
services (tick, verify, un-tick with the four-eyes rule), so the admin shows those read-only. What
the admin may still change goes through the same service as the pages: a map's cycle start
(``map_set_cycle_start``), a point's owner team (``point_set_owner_team``), a KPI's measured value
(``kpi_record``), deleting a map (``map_delete``). History "revert" saves through those services
too, so it can only bring back the editable field.
"""

from django.contrib import admin
from django.db import models

from integrations.models import (
    AcceptanceCriterion,
    FrameworkLink,
    IntegrationMap,
    IntegrationPoint,
    KpiTarget,
    MapGroup,
    MapSection,
    PendingMapImport,
    Phase,
)
from portal.admin_mixins import HistoryAdmin

from . import services

URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


def _all_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.name != "id"]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ViewOnlyAdmin(admin.ModelAdmin):
    """Shown, searched and listed; written only by the importer and the services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceFieldsAdmin:
    """A change page where only ``editable_fields`` may change, saved by :meth:`save_through`
    (one service call); no add, no delete unless the admin class allows it."""

    editable_fields: list[str] = []

    def get_readonly_fields(self, request, obj=None):
        return [f for f in _all_fields(self.model) if f not in self.editable_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        self.save_through(request, obj, form.cleaned_data)

    def save_through(self, request, obj, data):
        raise NotImplementedError


class PhaseInline(ReadOnlyInline):
    model = Phase


class SectionInline(ReadOnlyInline):
    model = MapSection


class KpiInline(ReadOnlyInline):
    model = KpiTarget
    fields = ["name", "heading", "target", "target_value", "unit", "measured_value", "position"]


class GroupInline(ReadOnlyInline):
    model = MapGroup


class CriterionInline(ReadOnlyInline):
    model = AcceptanceCriterion
    fields = ["position", "text", "done_at", "done_by", "verified_at", "verified_by"]
    formfield_overrides = URL_HTTPS


class LinkInline(ReadOnlyInline):
    model = FrameworkLink


@admin.register(IntegrationMap)
class IntegrationMapAdmin(ServiceFieldsAdmin, HistoryAdmin):
    list_display = ["title", "cycle_start", "source_name", "imported_at", "imported_by"]
    list_filter = ["cycle_start", "imported_at"]
    search_fields = ["title", "source_name"]
    editable_fields = ["cycle_start"]
    inlines = [SectionInline, PhaseInline, KpiInline]

    def save_through(self, request, obj, data):
        services.map_set_cycle_start(imap=obj, actor=request.user, cycle_start=data["cycle_start"])

    def has_delete_permission(self, request, obj=None):
        return admin.ModelAdmin.has_delete_permission(self, request, obj)

    def get_deleted_objects(self, objs, request):
        # The map's rows go with it in map_delete; their own admins refuse single deletes.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, set(), protected

    def delete_model(self, request, obj):
        services.map_delete(imap=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for imap in queryset:
            services.map_delete(imap=imap, actor=request.user)


@admin.register(MapSection)
class MapSectionAdmin(HistoryAdmin, ViewOnlyAdmin):
    list_display = ["title", "code", "map", "position"]
    list_filter = ["map"]
    search_fields = ["title", "code"]
    inlines = [GroupInline]


@admin.register(MapGroup)
class MapGroupAdmin(HistoryAdmin, ViewOnlyAdmin):
    list_display = ["title", "code", "section", "position"]
    list_filter = ["section__map"]
    search_fields = ["title", "code"]


@admin.register(Phase)
class PhaseAdmin(HistoryAdmin, ViewOnlyAdmin):
    list_display = ["__str__", "map", "week_start", "week_end"]
    list_filter = ["map"]
    search_fields = ["name"]


@admin.register(IntegrationPoint)
class IntegrationPointAdmin(ServiceFieldsAdmin, HistoryAdmin):
    list_display = ["code", "title", "map", "section", "phase", "owner_team", "archived"]
    list_filter = ["map", "phase", "archived", "owner_team"]
    search_fields = ["code", "title", "flow_from", "flow_to"]
    list_select_related = ["map", "section", "phase"]
    editable_fields = ["owner_team"]
    inlines = [CriterionInline, LinkInline]

    def save_through(self, request, obj, data):
        services.point_set_owner_team(point=obj, actor=request.user, owner_team=data["owner_team"])


@admin.register(AcceptanceCriterion)
class AcceptanceCriterionAdmin(HistoryAdmin, ViewOnlyAdmin):
    """Ticks and verifications (the four-eyes fields) change only through the services."""

    list_display = ["__str__", "point", "done_at", "done_by", "verified_at", "verified_by"]
    list_filter = [
        "point__map",
        ("done_at", admin.EmptyFieldListFilter),
        ("verified_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["text", "point__code", "evidence_note"]
    list_select_related = ["point", "done_by", "verified_by"]
    formfield_overrides = URL_HTTPS


@admin.register(FrameworkLink)
class FrameworkLinkAdmin(HistoryAdmin, ViewOnlyAdmin):
    list_display = ["name", "target", "point"]
    list_filter = ["point__map"]
    search_fields = ["name", "target"]


@admin.register(KpiTarget)
class KpiTargetAdmin(ServiceFieldsAdmin, HistoryAdmin):
    list_display = ["name", "map", "target", "measured_value", "measured_at"]
    list_filter = ["map", "heading"]
    search_fields = ["name", "target"]
    editable_fields = ["measured_value"]

    def save_through(self, request, obj, data):
        services.kpi_record(kpi=obj, actor=request.user, measured_value=data["measured_value"])


@admin.register(PendingMapImport)
class PendingMapImportAdmin(ViewOnlyAdmin):
    list_display = ["source_name", "uploaded_by", "target_map", "created_at", "applied_at"]
    list_filter = [("applied_at", admin.EmptyFieldListFilter)]
    search_fields = ["source_name"]
