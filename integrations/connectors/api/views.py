"""API resources for connectors (role model permissions): connections (create and edit like the
connection form, "sync now"), sync runs, deliveries ("redeliver"), feature usage, and the adoption
endpoint. Service errors propagate to ``portal.errors.api_exception_handler``."""

import copy

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from integrations.models import Connection, Delivery, FeatureUsage, SyncRun
from portal.api.permissions import require_perms

from .. import services
from ..analytics.selectors import adoption_summary, feature_has_usage
from ..filtersets import FeatureUsageFilterSet, SyncRunFilterSet
from ..outbound.deliveries import delivery_redeliver
from ..runs import RunAlreadyActive
from .serializers import (
    AdoptionSerializer,
    AdoptionWindowSerializer,
    ConnectionInputSerializer,
    ConnectionSerializer,
    DeliverySerializer,
    FeatureUsageSerializer,
    SyncRunSerializer,
)


class ConnectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Connections to external tools; admins create and edit them (``connection_save``)."""

    oauth_scope = "integrations"

    queryset = Connection.objects.order_by("kind", "name")
    serializer_class = ConnectionSerializer
    filterset_fields = ["kind", "enabled"]

    def _save(self, request, connection: Connection, *, partial: bool, code: int) -> Response:
        # The input serializer validates (with the name's uniqueness against the others) and
        # the service saves: the form view does the same with its ModelForm's instance.
        serializer = ConnectionInputSerializer(
            connection if connection.pk else None, data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        for name, value in serializer.validated_data.items():
            setattr(connection, name, value)
        connection = services.connection_save(connection=connection, actor=request.user)
        return Response(ConnectionSerializer(connection).data, status=code)

    @extend_schema(request=ConnectionInputSerializer, responses={201: ConnectionSerializer})
    def create(self, request):
        return self._save(request, Connection(), partial=False, code=status.HTTP_201_CREATED)

    @extend_schema(request=ConnectionInputSerializer, responses=ConnectionSerializer)
    def update(self, request, pk=None, partial=False):
        connection = copy.copy(self.get_object())
        return self._save(request, connection, partial=partial, code=status.HTTP_200_OK)

    @extend_schema(request=ConnectionInputSerializer, responses=ConnectionSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @action(
        detail=True,
        methods=["post"],
        permission_classes=[require_perms("integrations.change_connection")],
    )
    def sync(self, request, pk=None):
        """Queue a sync run now (409 when one is already queued or running)."""
        connection = self.get_object()
        try:
            run = services.connection_sync_now(connection=connection, actor=request.user)
        except RunAlreadyActive as exc:  # not an error of the request: the run already going
            return Response(
                {"detail": str(exc), "run": exc.run.pk}, status=status.HTTP_409_CONFLICT
            )
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class SyncRunViewSet(viewsets.ReadOnlyModelViewSet):
    oauth_scope = "integrations"
    queryset = SyncRun.objects.select_related("connection").order_by("-created_at", "-id")
    serializer_class = SyncRunSerializer
    filterset_class = SyncRunFilterSet


class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    oauth_scope = "integrations"
    queryset = Delivery.objects.order_by("-created_at", "-id")
    serializer_class = DeliverySerializer
    filterset_fields = ["status", "topic", "connection"]

    @extend_schema(request=None, responses={202: DeliverySerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[require_perms("integrations.change_delivery")],
    )
    def redeliver(self, request, pk=None):
        """Put a dead (or delivered) delivery back in the queue for a fresh series of attempts."""
        delivery = delivery_redeliver(delivery=self.get_object(), actor=request.user)
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class FeatureUsageViewSet(viewsets.ReadOnlyModelViewSet):
    oauth_scope = "adoption"
    queryset = FeatureUsage.objects.order_by("-day", "account_id", "feature")
    serializer_class = FeatureUsageSerializer
    filterset_class = FeatureUsageFilterSet


class AdoptionView(APIView):
    """``GET cs-product/adoption/{feature_id}``: the share of active accounts that used the feature
    in the window (default: the last 30 days), per segment, and its correlation with health.
    ``feature_id`` is the feature (Segment event) name as recorded; 404 when it was never used."""

    oauth_scope = "adoption"

    permission_classes = [IsAuthenticated, require_perms("integrations.view_featureusage")]

    @extend_schema(
        parameters=[
            OpenApiParameter("feature_id", OpenApiTypes.STR, OpenApiParameter.PATH),
            OpenApiParameter("since", OpenApiTypes.DATE, description="YYYY-MM-DD (inclusive)"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="YYYY-MM-DD (inclusive)"),
        ],
        responses={
            200: AdoptionSerializer,
            400: OpenApiResponse(description="A bad date, or since after until (named)."),
            404: OpenApiResponse(description="No usage was ever recorded for the feature."),
        },
    )
    def get(self, request, feature_id: str):
        window = AdoptionWindowSerializer(data=request.query_params)
        window.is_valid(raise_exception=True)
        if not feature_has_usage(feature_id):
            raise Http404("No usage recorded for that feature.")
        summary = adoption_summary(feature=feature_id, **window.validated_data)
        return Response(AdoptionSerializer(summary).data)
