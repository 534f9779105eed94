"""``GET cs-product/adoption/{feature_id}``: adoption of one feature overall and per segment, and
how it relates to account health."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import require_perms

from .selectors import adoption_summary, adoption_window, feature_has_usage


class AdoptionWindowSerializer(serializers.Serializer):
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


class AdoptionView(APIView):
    """``GET cs-product/adoption/{feature_id}``: the share of active accounts that used the feature
    in the window (default: the last 30 days), per segment, and its correlation with health.
    ``feature_id`` is the feature (Segment event) name as recorded; 404 when it was never used."""

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
