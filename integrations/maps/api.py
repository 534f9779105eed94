"""API for integration maps: read the maps and their points (the board's FilterSet), and tick,
verify or un-tick a criterion through the same services as the pages."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.models import AcceptanceCriterion, IntegrationMap, PointStatus
from portal.api.permissions import require_perms

from . import selectors, services
from .filtersets import IntegrationPointFilterSet


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


class IntegrationMapViewSet(viewsets.ReadOnlyModelViewSet):
    """Maps with their progress; ``/points`` lists a map's points with the board's filters."""

    queryset = selectors.maps_for_list().prefetch_related("phases")
    serializer_class = MapSerializer
    filterset_fields: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("q", "phase", "section", "owner_team", "status", "overdue", "archived")
        ],
        responses=PointSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def points(self, request, pk=None):
        imap = self.get_object()
        qs = selectors.points_with_progress(imap).prefetch_related(
            Prefetch("criteria", queryset=AcceptanceCriterion.objects.order_by("position", "id")),
            "links",
        )
        filterset = IntegrationPointFilterSet(request.query_params or None, qs, imap=imap)
        if filterset.is_bound and not filterset.is_valid():
            return Response(filterset.errors, status=status.HTTP_400_BAD_REQUEST)
        shown = filterset.qs if filterset.is_bound else qs.filter(archived=False)
        page = self.paginate_queryset(shown)
        return self.get_paginated_response(PointSerializer(page, many=True).data)


class TickInput(serializers.Serializer):
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_url = serializers.URLField(required=False, allow_blank=True, default="")


class UntickInput(serializers.Serializer):
    reason = serializers.CharField()


class _CriterionAction(APIView):
    perm = "integrations.change_acceptancecriterion"
    input_serializer: type[serializers.Serializer] | None = None

    def get_permissions(self):
        return [require_perms(self.perm)()]

    def post(self, request, pk: int):
        criterion = get_object_or_404(AcceptanceCriterion, pk=pk)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        try:
            criterion = self.run(criterion, request.user, **data)
        except ValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
            return Response(detail, status=status.HTTP_400_BAD_REQUEST)
        return Response(CriterionSerializer(criterion).data)


class CriterionTickView(_CriterionAction):
    """``POST integration-criteria/{id}/tick`` with ``evidence_note`` or ``evidence_url``."""

    input_serializer = TickInput

    @extend_schema(request=TickInput, responses=CriterionSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def run(self, criterion, user, **data):
        return services.criterion_tick(criterion=criterion, actor=user, **data)


class CriterionVerifyView(_CriterionAction):
    """``POST integration-criteria/{id}/verify``: by an admin other than the one who ticked it."""

    perm = "integrations.verify_acceptancecriterion"

    @extend_schema(request=None, responses=CriterionSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def run(self, criterion, user):
        return services.criterion_verify(criterion=criterion, actor=user)


class CriterionUntickView(_CriterionAction):
    """``POST integration-criteria/{id}/untick`` with the ``reason``."""

    input_serializer = UntickInput

    @extend_schema(request=UntickInput, responses=CriterionSerializer)
    def post(self, request, pk: int):
        return super().post(request, pk)

    def run(self, criterion, user, **data):
        return services.criterion_untick(criterion=criterion, actor=user, **data)
