from rest_framework import serializers

from portal.models import Account
from roadmap.choices import HealthImpact
from roadmap.features import feature_keys_of
from roadmap.models import RoadmapItem, Vote


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


class VoteInputSerializer(serializers.Serializer):
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
