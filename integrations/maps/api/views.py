"""API for integration maps: read the maps and their points (the board's FilterSet), and tick,
verify or un-tick a criterion through the same services as the pages. Service errors propagate
to DRF's handler (``portal.errors.api_exception_handler``): 400 with the messages by field."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.models import AcceptanceCriterion
from portal.api.permissions import require_perms

from .. import permissions, selectors, services
from ..filtersets import IntegrationPointFilterSet
from .serializers import (
    CriterionSerializer,
    MapSerializer,
    PointSerializer,
    TickInput,
    UntickInput,
)


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


class _CriterionAction(APIView):
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
