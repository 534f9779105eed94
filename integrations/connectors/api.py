"""Read-only API resources for connectors (role model permissions), and "sync now" as an action."""

from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations.models import Connection, Delivery, FeatureUsage, SyncRun
from portal.api.permissions import require_perms

from . import services
from .runs import RunAlreadyActive


class ConnectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Connection
        fields = [
            "id",
            "kind",
            "name",
            "base_url",
            "credential_env",
            "secret_env",
            "enabled",
            "interval_minutes",
            "settings",
            "cursor",
            "last_synced_at",
        ]


class SyncRunSerializer(serializers.ModelSerializer):
    connection_name = serializers.CharField(source="connection.name", read_only=True)

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "connection",
            "connection_name",
            "kind",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "pages",
            "created",
            "updated",
            "unchanged",
            "failed",
            "error",
            "cursor",
        ]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = Delivery
        fields = [
            "id",
            "connection",
            "event",
            "topic",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
            "dead_lettered_at",
        ]


class FeatureUsageSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeatureUsage
        fields = ["id", "account", "feature", "day", "events", "users", "last_event_at"]


class SyncRunFilterSet(filters.FilterSet):
    class Meta:
        model = SyncRun
        fields = ["connection", "status", "kind"]


class FeatureUsageFilterSet(filters.FilterSet):
    since = filters.DateFilter(field_name="day", lookup_expr="gte")
    until = filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = FeatureUsage
        fields = ["account", "feature", "since", "until"]


class ConnectionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Connection.objects.order_by("kind", "name")
    serializer_class = ConnectionSerializer
    filterset_fields = ["kind", "enabled"]

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
        except RunAlreadyActive as exc:
            return Response(
                {"detail": str(exc), "run": exc.run.pk}, status=status.HTTP_409_CONFLICT
            )
        except (ValidationError, ValueError) as exc:
            messages = getattr(exc, "messages", [str(exc)])
            return Response({"connection": messages}, status=status.HTTP_400_BAD_REQUEST)
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class SyncRunViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = SyncRun.objects.select_related("connection").order_by("-created_at", "-id")
    serializer_class = SyncRunSerializer
    filterset_class = SyncRunFilterSet


class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Delivery.objects.order_by("-created_at", "-id")
    serializer_class = DeliverySerializer
    filterset_fields = ["status", "topic", "connection"]


class FeatureUsageViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = FeatureUsage.objects.order_by("-day", "account_id", "feature")
    serializer_class = FeatureUsageSerializer
    filterset_class = FeatureUsageFilterSet
