"""API for integration maps: read the maps and their points (the board's FilterSet); tick, verify
or un-tick a criterion, set a map's cycle start, a point's owner team, a KPI's measured value,
and import a document (preview, then apply), through the same services and rules as the pages.
Service errors propagate to DRF's handler (``portal.errors.api_exception_handler``): 400 with
the messages by field."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.models import AcceptanceCriterion, IntegrationPoint, KpiTarget, PendingMapImport
from portal.api.permissions import deny_unless, require_perms

from .. import permissions, selectors, services
from ..filtersets import IntegrationPointFilterSet
from ..parser import MapParseError
from .serializers import (
    CriterionSerializer,
    CycleStartInput,
    KpiMeasureInput,
    KpiTargetSerializer,
    MapImportInput,
    MapImportSerializer,
    MapSerializer,
    OwnerTeamInput,
    OwnerTeamOutput,
    PointSerializer,
    TickInput,
    UntickInput,
)


class IntegrationMapViewSet(viewsets.ReadOnlyModelViewSet):
    """Maps with their progress; ``/points`` lists a map's points with the board's filters."""

    oauth_scope = "integrations"

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

    @extend_schema(request=CycleStartInput, responses=MapSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="cycle-start",
        permission_classes=[require_perms(permissions.VIEW_PERM)],
    )
    def cycle_start(self, request, pk=None):
        """Set the date week 1 of the phases starts on (phase due dates follow it)."""
        imap = self.get_object()
        deny_unless(permissions.may_set_cycle_start(request.user))
        serializer = CycleStartInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.map_set_cycle_start(imap=imap, actor=request.user, **serializer.validated_data)
        return Response(MapSerializer(self.get_queryset().get(pk=imap.pk)).data)


class PointOwnerView(APIView):
    """``POST integration-points/{id}/owner``: the team that owns the point."""

    oauth_scope = "integrations"

    permission_classes = [require_perms(permissions.VIEW_PERM)]

    @extend_schema(request=OwnerTeamInput, responses=OwnerTeamOutput)
    def post(self, request, pk: int):
        point = get_object_or_404(IntegrationPoint, pk=pk)
        deny_unless(permissions.may_set_owner_team(request.user))
        serializer = OwnerTeamInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        point = services.point_set_owner_team(
            point=point, actor=request.user, **serializer.validated_data
        )
        return Response(OwnerTeamOutput(point).data)


class KpiMeasureView(APIView):
    """``POST kpi-targets/{id}/measure``: record a KPI's measured value (charted on the KPI
    page)."""

    oauth_scope = "integrations"

    permission_classes = [require_perms(permissions.VIEW_PERM)]

    @extend_schema(request=KpiMeasureInput, responses=KpiTargetSerializer)
    def post(self, request, pk: int):
        kpi = get_object_or_404(KpiTarget, pk=pk)
        deny_unless(permissions.may_record_kpi(request.user))
        serializer = KpiMeasureInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        kpi = services.kpi_record(kpi=kpi, actor=request.user, **serializer.validated_data)
        return Response(KpiTargetSerializer(kpi).data)


class MapImportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Import a map document like the upload page: ``POST`` keeps it with its dry-run report
    (nothing else changes), ``/apply`` imports it for real."""

    oauth_scope = "integrations"

    queryset = PendingMapImport.objects.order_by("id")
    serializer_class = MapImportSerializer
    permission_classes = [require_perms(permissions.IMPORT_PERM)]

    @extend_schema(request=MapImportInput, responses={201: MapImportSerializer})
    def create(self, request):
        serializer = MapImportInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            pending = services.map_import_preview(
                actor=request.user,
                data=data["text"].encode(),
                source_name=data["source_name"],
                target=data.get("target"),
                cycle_start=data.get("cycle_start"),
            )
        except MapParseError as exc:
            raise serializers.ValidationError({"text": [str(exc)]}) from exc
        return Response(MapImportSerializer(pending).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=MapSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Import the previewed document (the report is recomputed against today's data)."""
        pending = self.get_object()
        try:
            imap, _report = services.map_import_apply(pending=pending, actor=request.user)
        except MapParseError as exc:
            raise serializers.ValidationError({"text": [str(exc)]}) from exc
        return Response(MapSerializer(selectors.maps_for_list().get(pk=imap.pk)).data)


class _CriterionAction(APIView):
    oauth_scope = "integrations"
    perm = permissions.TICK_PERM
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
        criterion = self.run(criterion, request.user, **data)
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

    perm = permissions.VERIFY_PERM

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
