from rest_framework import serializers

from portal.api.strict import StrictFieldsMixin
from portal.models import Account, User
from roadmap.choices import HealthImpact, ItemStatus
from roadmap.features import MAX_FEATURES_PER_ITEM, feature_keys_of
from roadmap.models import FEATURE_KEY_MAX_LENGTH, RoadmapItem, Vote


class RoadmapItemSerializer(serializers.ModelSerializer):
    owner = serializers.StringRelatedField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    feature_keys = serializers.SerializerMethodField(
        help_text="Analytics feature keys the item ships: adoption counts their use from the "
        "ship date (GET cs-product/adoption/{id})."
    )

    class Meta:
        model = RoadmapItem
        fields = [
            "id",
            "title",
            "description",
            "product_area",
            "status",
            "horizon",
            "target_quarter",
            "owner",
            "impact",
            "confidence",
            "effort",
            "jira_key",
            "launch_date",
            "shipped_at",
            "feature_keys",
            "score",
            "rank",
            "score_breakdown",
            "scored_at",
            "url",
            "updated_at",
        ]
        read_only_fields = fields

    def get_feature_keys(self, item) -> list[str]:
        return feature_keys_of(item)


class VoteInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST cs-product/vote/{feature_id}``: who the vote is for and why."""

    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.all(), help_text="Account id the vote is on behalf of."
    )
    evidence = serializers.CharField(
        allow_blank=False,
        trim_whitespace=True,
        help_text="Outcome documentation (required).",
    )
    expected_health_impact = serializers.ChoiceField(
        choices=HealthImpact.choices, default=HealthImpact.MEDIUM
    )


class VoteSerializer(serializers.ModelSerializer):
    feature_id = serializers.IntegerField(source="item_id")
    rep = serializers.StringRelatedField()

    class Meta:
        model = Vote
        fields = [
            "id",
            "feature_id",
            "account",
            "rep",
            "evidence",
            "expected_health_impact",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


# --- Inputs of the item operations (the item form's fields; status only at creation) ----------

ITEM_INPUT_FIELDS = [
    "title",
    "description",
    "product_area",
    "status",
    "horizon",
    "target_quarter",
    "target_date",
    "owner",
    "impact",
    "confidence",
    "effort",
    "launch_date",
]


class RoadmapItemInputSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """``POST roadmap-items`` (the item form). The status is set at creation only: later moves
    are ``POST roadmap-items/{id}/move``."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(groups__name="product_manager"),
        required=False,
        allow_null=True,
        help_text="A product manager's user id.",
    )
    feature_keys = serializers.ListField(
        child=serializers.CharField(max_length=FEATURE_KEY_MAX_LENGTH),
        max_length=MAX_FEATURES_PER_ITEM,
        required=False,
        help_text="Analytics feature keys the item ships (replaces the list when given).",
    )

    class Meta:
        model = RoadmapItem
        fields = [*ITEM_INPUT_FIELDS, "feature_keys"]


class RoadmapItemUpdateSerializer(RoadmapItemInputSerializer):
    """The item form on an existing item: every field but the status."""

    class Meta:
        model = RoadmapItem
        fields = [f for f in ITEM_INPUT_FIELDS if f != "status"] + ["feature_keys"]


class RoadmapItemMoveSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST roadmap-items/{id}/move``: the board column the card goes to."""

    status = serializers.ChoiceField(choices=ItemStatus.choices)
