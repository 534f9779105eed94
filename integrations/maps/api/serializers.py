"""Serializers of the maps API: read shapes for maps, points and criteria; input shapes for the
criterion actions."""

from rest_framework import serializers

from integrations.models import AcceptanceCriterion, IntegrationMap, PointStatus


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


class TickInput(serializers.Serializer):
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="")


class UntickInput(serializers.Serializer):
    reason = serializers.CharField()
