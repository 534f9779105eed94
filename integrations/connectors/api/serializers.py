"""API representations of the connector models and of the adoption answer."""

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from integrations.models import Connection, Delivery, FeatureUsage, SyncRun
from integrations.models.connectors import CONNECTION_EDITABLE_FIELDS, CONNECTION_SETTINGS_HELP
from portal.api.strict import NoBlankParamsMixin, StrictFieldsMixin

from ..analytics.selectors import adoption_window


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


class ConnectionInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """``POST connections`` and ``PATCH``/``PUT connections/{id}`` (the connection form). The
    credential fields name environment variables, never the secrets themselves."""

    settings = serializers.DictField(
        required=False,
        help_text=CONNECTION_SETTINGS_HELP,
    )

    class Meta:
        model = Connection
        fields = CONNECTION_EDITABLE_FIELDS


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


class AdoptionWindowSerializer(NoBlankParamsMixin, serializers.Serializer):
    since = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    until = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])

    def validate(self, attrs):
        since, until = adoption_window(attrs.get("since"), attrs.get("until"))
        if since > until:
            raise serializers.ValidationError({"since": "Must not be after until."})
        return {"since": since, "until": until}


class SegmentAdoptionSerializer(serializers.Serializer):
    segment = serializers.CharField()
    accounts = serializers.IntegerField()
    adopters = serializers.IntegerField()
    rate = serializers.FloatField()
    avg_health_adopters = serializers.FloatField(allow_null=True)
    avg_health_others = serializers.FloatField(allow_null=True)


class AdoptionSerializer(serializers.Serializer):
    feature = serializers.CharField()
    window = inline_serializer(
        "AdoptionWindowOut", {"since": serializers.DateField(), "until": serializers.DateField()}
    )
    accounts = serializers.IntegerField(help_text="Active accounts.")
    adopters = serializers.IntegerField(help_text="Active accounts that used the feature.")
    rate = serializers.FloatField(help_text="adopters / accounts (0–1).")
    segments = SegmentAdoptionSerializer(many=True)
    health_correlation = serializers.FloatField(
        allow_null=True,
        help_text="Point-biserial correlation of adopting with the health score (−1…1); null "
        "when everyone or no one adopted.",
    )
