"""Serializers of the maps API: read shapes for maps, points and criteria; input shapes for the
criterion actions."""

from django.conf import settings
from rest_framework import serializers

from integrations.models import (
    AcceptanceCriterion,
    IntegrationMap,
    IntegrationPoint,
    KpiTarget,
    PendingMapImport,
    PointStatus,
)
from portal.api.strict import StrictFieldsMixin


class CriterionSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(source="is_done", read_only=True)
    verified = serializers.BooleanField(source="is_verified", read_only=True)

    class Meta:
        model = AcceptanceCriterion
        fields = [
            "id",
            "position",
            "text",
            "done",
            "done_by",
            "done_at",
            "evidence_note",
            "evidence_url",
            "verified",
            "verified_by",
            "verified_at",
            "untick_reason",
        ]
        read_only_fields = fields


class PointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    section = serializers.CharField(source="section.title", default=None)
    group = serializers.CharField(source="group.title", default=None)
    phase = serializers.IntegerField(source="phase.number", default=None)
    flow_from = serializers.CharField()
    flow_to = serializers.CharField()
    protocol = serializers.CharField()
    owner_team = serializers.CharField()
    archived = serializers.BooleanField()
    status = serializers.ChoiceField(choices=PointStatus.choices)
    overdue = serializers.BooleanField(source="is_overdue")
    criteria_total = serializers.IntegerField()
    criteria_done = serializers.IntegerField()
    criteria_verified = serializers.IntegerField()
    criteria = CriterionSerializer(many=True)
    links = serializers.SerializerMethodField()

    def get_links(self, point) -> list[dict]:
        return [{"name": link.name, "target": link.target} for link in point.links.all()]


class MapSerializer(serializers.ModelSerializer):
    points_total = serializers.IntegerField(read_only=True)
    criteria_total = serializers.IntegerField(read_only=True)
    criteria_done = serializers.IntegerField(read_only=True)
    criteria_verified = serializers.IntegerField(read_only=True)
    phases = serializers.SerializerMethodField()

    class Meta:
        model = IntegrationMap
        fields = [
            "id",
            "title",
            "metadata",
            "cycle_start",
            "source_name",
            "imported_at",
            "points_total",
            "criteria_total",
            "criteria_done",
            "criteria_verified",
            "phases",
        ]
        read_only_fields = fields

    def get_phases(self, imap) -> list[dict]:
        return [
            {
                "number": p.number,
                "name": p.name,
                "week_start": p.week_start,
                "week_end": p.week_end,
                "starts_on": p.starts_on(imap.cycle_start),
                "due_on": p.due_on(imap.cycle_start),
            }
            for p in imap.phases.all()
        ]


class TickInput(StrictFieldsMixin, serializers.Serializer):
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="")


class UntickInput(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField()


class CycleStartInput(StrictFieldsMixin, serializers.Serializer):
    """``POST integration-maps/{id}/cycle-start``: week 1 of the phases starts on this date."""

    cycle_start = serializers.DateField(allow_null=True)


class OwnerTeamInput(StrictFieldsMixin, serializers.ModelSerializer):
    """``POST integration-points/{id}/owner``: the team that owns the point (blank: none)."""

    class Meta:
        model = IntegrationPoint
        fields = ["owner_team"]
        extra_kwargs = {"owner_team": {"required": True, "allow_blank": True}}


class OwnerTeamOutput(serializers.ModelSerializer):
    class Meta:
        model = IntegrationPoint
        fields = ["id", "code", "title", "owner_team"]
        read_only_fields = fields


class KpiMeasureInput(StrictFieldsMixin, serializers.ModelSerializer):
    """``POST kpi-targets/{id}/measure``: the measured value (null clears it)."""

    class Meta:
        model = KpiTarget
        fields = ["measured_value"]
        extra_kwargs = {"measured_value": {"required": True, "allow_null": True}}


class KpiTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiTarget
        fields = [
            "id",
            "map",
            "heading",
            "name",
            "target",
            "target_value",
            "unit",
            "measured_value",
            "measured_at",
            "measured_by",
        ]
        read_only_fields = fields


class MapImportInput(StrictFieldsMixin, serializers.Serializer):
    """``POST integration-map-imports``: a map document to preview (nothing else changes until
    ``/apply``)."""

    source_name = serializers.CharField(
        max_length=255, help_text="The document's file name, e.g. integration-map.md."
    )
    text = serializers.CharField(
        max_length=settings.INTEGRATION_MAP_MAX_UPLOAD_BYTES,
        trim_whitespace=False,
        help_text="The Markdown document.",
    )
    target = serializers.PrimaryKeyRelatedField(
        queryset=IntegrationMap.objects.all(),
        required=False,
        allow_null=True,
        help_text="The map to update (default: the map with the same title, or a new one).",
    )
    cycle_start = serializers.DateField(required=False, allow_null=True)


class MapImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = PendingMapImport
        fields = [
            "id",
            "source_name",
            "target_map",
            "cycle_start",
            "report",
            "created_at",
            "applied_at",
            "applied_map",
        ]
        read_only_fields = fields
