"""CS–Product adoption API for roadmap items.

- ``GET cs-product/adoption/{feature_id}``: ``feature_id`` is a roadmap item id, as in
  ``POST cs-product/vote/{feature_id}``: adoption over the item's mapped analytics features from
  its ship date. A raw analytics feature key is still accepted (the older per-key summary, see
  :class:`connectors.api.views.AdoptionView`); an all-digit id that names an item means the item.
- ``POST cs-product/optimize`` with ``{"feature_id": item id, "segment"?, "beta_program"?}``:
  recommendations in words with their figures and accounts.

400 names the field (DRF's handler, ``portal.errors``), 404 when ``feature_id`` is neither an item
nor a key with usage.
"""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import require_perms
from portal.api.strict import NoBlankParamsMixin, StrictFieldsMixin, TextOrNumberField
from portal.models import Account
from roadmap.models import BetaProgram

from ..api.views import AdoptionView
from .adoption import item_adoption, item_adoption_cached
from .adoption_selectors import item_for_adoption
from .optimize import recommendations

VIEW_USAGE = "integrations.view_featureusage"


class ItemWindowSerializer(NoBlankParamsMixin, serializers.Serializer):
    since = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    until = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])

    def validate(self, attrs):
        until = attrs.get("until") or timezone.localdate()
        since = attrs.get("since")
        if since and since > until:
            raise serializers.ValidationError({"since": "Must not be after until."})
        return {"since": since, "today": until}


class RateRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    accounts = serializers.IntegerField()
    adopters = serializers.IntegerField()
    rate = serializers.FloatField()


class ItemAdoptionSerializer(serializers.Serializer):
    """Adoption of a shipped item (the figures' definitions: docs/adoption.md)."""

    feature = serializers.CharField(help_text="The item id, as given.")
    item = serializers.DictField(help_text="id, title, url")
    feature_keys = serializers.ListField(child=serializers.CharField())
    shipped_on = serializers.DateField(allow_null=True)
    window = serializers.DictField(help_text="since (default: the ship day), until (today)")
    note = serializers.CharField(help_text="Why figures are zero, when they are.")
    accounts = serializers.IntegerField(help_text="Active accounts.")
    adopters = serializers.IntegerField(help_text="Active accounts that used it in the window.")
    rate = serializers.FloatField()
    by_tier = RateRowSerializer(many=True)
    by_segment = RateRowSerializer(many=True)
    by_health_band = RateRowSerializer(many=True)
    requesters = serializers.DictField(help_text="accounts, adopters, rate, others, by_tier")
    trend = serializers.ListField(
        child=serializers.DictField(), help_text="Per week since ship, cumulative adoption."
    )
    barriers = serializers.DictField(help_text="days, window_ends, accounts (with evidence)")
    aha = serializers.DictField(allow_null=True)
    dropoff = serializers.DictField()
    health_correlation = serializers.DictField(help_text="r (Pearson), n, reason")
    prediction = serializers.DictField(help_text="30-day rollout prediction (Wilson 95%)")
    as_of = serializers.DateTimeField(
        allow_null=True,
        help_text="When these figures were computed: they are kept for up to "
        "PANEL_CACHE_SECONDS (120 s), as on the item page; null when computed for this request.",
    )


class ItemAdoptionView(AdoptionView):
    """``GET cs-product/adoption/{feature_id}``: adoption of a roadmap item's features since it
    shipped (or, for a raw analytics key, the per-key summary of the last 30 days)."""

    oauth_scope = "adoption"

    permission_classes = [IsAuthenticated, require_perms(VIEW_USAGE)]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "feature_id",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="A roadmap item id (as in cs-product/vote/{feature_id}); a raw "
                "analytics feature key is also accepted.",
            ),
            OpenApiParameter("since", OpenApiTypes.DATE, description="YYYY-MM-DD (inclusive)"),
            OpenApiParameter("until", OpenApiTypes.DATE, description="YYYY-MM-DD (inclusive)"),
        ],
        responses={
            200: OpenApiResponse(
                ItemAdoptionSerializer,
                description="An item's adoption; a raw key answers the per-key Adoption.",
            ),
            400: OpenApiResponse(description="A bad date, or since after until (named)."),
            404: OpenApiResponse(description="Neither a roadmap item nor a key with usage."),
        },
    )
    def get(self, request, feature_id: str):
        item = item_for_adoption(int(feature_id)) if feature_id.isdigit() else None
        if item is None:  # a raw analytics key: 404 there when it was never used
            return super().get(request, feature_id)
        window = ItemWindowSerializer(data=request.query_params)
        window.is_valid(raise_exception=True)
        report, as_of = item_adoption_cached(item, **window.validated_data)
        return Response({**report, "feature": feature_id, "as_of": as_of})


class OptimizeInputSerializer(StrictFieldsMixin, serializers.Serializer):
    feature_id = TextOrNumberField(
        max_length=18, help_text="The roadmap item id (as in cs-product/vote/{feature_id})."
    )
    segment = serializers.CharField(
        required=False, max_length=80, help_text="Only accounts of this segment."
    )
    beta_program = serializers.IntegerField(
        required=False, help_text="Only the participants of this beta program."
    )

    def validate_feature_id(self, value: str) -> int:
        value = value.strip()
        if not (value.isascii() and value.isdigit()) or int(value) > 2**63 - 1:
            raise serializers.ValidationError(
                "A roadmap item id (a whole number), as in cs-product/vote/{feature_id}."
            )
        return int(value)

    def validate_segment(self, value: str) -> str:
        if not Account.objects.active().filter(segment=value).exists():
            raise serializers.ValidationError(f"No active account has the segment {value!r}.")
        return value

    def validate_beta_program(self, value: int) -> BetaProgram:
        program = BetaProgram.objects.filter(pk=value).first()
        if program is None:
            raise serializers.ValidationError(f"No beta program with id {value}.")
        return program


class RecommendationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[
            "lagging_segment",
            "barrier_accounts",
            "onboarding_dropoff",
            "rollout_prediction",
            "no_data",
        ]
    )
    text = serializers.CharField()
    figures = serializers.DictField()
    accounts = serializers.ListField(child=serializers.DictField())


class OptimizeSerializer(serializers.Serializer):
    feature_id = serializers.IntegerField()
    item = serializers.DictField()
    scope = serializers.DictField(help_text="segment and beta_program, when given")
    summary = serializers.DictField(help_text="accounts, adopters, rate, requesters")
    recommendations = RecommendationSerializer(many=True)


class OptimizeView(APIView):
    """``POST cs-product/optimize``: recommendations for a shipped item — lagging segments,
    barrier accounts by CSM, onboarding drop-off, and a 30-day rollout prediction with its
    interval — each with the figures behind it and the accounts it concerns."""

    oauth_scopes = {"POST": "adoption:read"}  # a question, asked by POST

    permission_classes = [IsAuthenticated, require_perms(VIEW_USAGE)]

    @extend_schema(
        request=OptimizeInputSerializer,
        responses={
            200: OptimizeSerializer,
            400: OpenApiResponse(description="Errors by field, e.g. {'feature_id': ['…']}"),
            404: OpenApiResponse(description="No roadmap item with that id."),
        },
    )
    def post(self, request):
        data = OptimizeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_for_adoption(data.validated_data["feature_id"])
        if item is None:
            raise Http404("No roadmap item with that id.")
        segment = data.validated_data.get("segment")
        program = data.validated_data.get("beta_program")
        account_ids = program.participants.values_list("account_id", flat=True) if program else None
        report = item_adoption(item, segment=segment, account_ids=account_ids)
        return Response(
            {
                "feature_id": item.pk,
                "item": report["item"],
                "scope": {"segment": segment, "beta_program": program.pk if program else None},
                "summary": {
                    "accounts": report["accounts"],
                    "adopters": report["adopters"],
                    "rate": report["rate"],
                    "requesters": report["requesters"]["accounts"],
                    "requester_adopters": report["requesters"]["adopters"],
                    "note": report["note"],
                },
                "recommendations": recommendations(report),
            }
        )
