"""Admin for integration maps: every model, with inlines; history on points and criteria."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

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

URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class SectionInline(admin.TabularInline):
    model = MapSection
    extra = 0


class KpiInline(admin.TabularInline):
    model = KpiTarget
    extra = 0
    fields = ["name", "heading", "target", "target_value", "unit", "measured_value", "position"]


class GroupInline(admin.TabularInline):
    model = MapGroup
    extra = 0


class CriterionInline(admin.TabularInline):
    model = AcceptanceCriterion
    extra = 0
    fields = ["position", "text", "done_at", "done_by", "verified_at", "verified_by"]
    raw_id_fields = ["done_by", "verified_by"]
    formfield_overrides = URL_HTTPS


class LinkInline(admin.TabularInline):
    model = FrameworkLink
    extra = 0


@admin.register(IntegrationMap)
class IntegrationMapAdmin(admin.ModelAdmin):
    list_display = ["title", "cycle_start", "source_name", "imported_at", "imported_by"]
    list_filter = ["cycle_start", "imported_at"]
    search_fields = ["title", "source_name"]
    readonly_fields = ["imported_at", "imported_by", "created_at", "updated_at"]
    inlines = [SectionInline, PhaseInline, KpiInline]


@admin.register(MapSection)
class MapSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "map", "position"]
    list_filter = ["map"]
    search_fields = ["title", "code"]
    inlines = [GroupInline]


@admin.register(MapGroup)
class MapGroupAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "section", "position"]
    list_filter = ["section__map"]
    search_fields = ["title", "code"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["__str__", "map", "week_start", "week_end"]
    list_filter = ["map"]
    search_fields = ["name"]


@admin.register(IntegrationPoint)
class IntegrationPointAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "map", "section", "phase", "owner_team", "archived"]
    list_filter = ["map", "phase", "archived", "owner_team"]
    search_fields = ["code", "title", "flow_from", "flow_to"]
    list_select_related = ["map", "section", "phase"]
    inlines = [CriterionInline, LinkInline]


@admin.register(AcceptanceCriterion)
class AcceptanceCriterionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "point", "done_at", "done_by", "verified_at", "verified_by"]
    list_filter = [
        "point__map",
        ("done_at", admin.EmptyFieldListFilter),
        ("verified_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["text", "point__code", "evidence_note"]
    list_select_related = ["point", "done_by", "verified_by"]
    raw_id_fields = ["point", "done_by", "verified_by"]
    formfield_overrides = URL_HTTPS


@admin.register(FrameworkLink)
class FrameworkLinkAdmin(admin.ModelAdmin):
    list_display = ["name", "target", "point"]
    list_filter = ["point__map"]
    search_fields = ["name", "target"]


@admin.register(KpiTarget)
class KpiTargetAdmin(admin.ModelAdmin):
    list_display = ["name", "map", "target", "measured_value", "measured_at"]
    list_filter = ["map", "heading"]
    search_fields = ["name", "target"]


@admin.register(PendingMapImport)
class PendingMapImportAdmin(admin.ModelAdmin):
    list_display = ["source_name", "uploaded_by", "target_map", "created_at", "applied_at"]
    list_filter = [("applied_at", admin.EmptyFieldListFilter)]
    search_fields = ["source_name"]
    readonly_fields = ["report", "created_at", "applied_at", "applied_map"]
