from rest_framework import serializers

from portal.models import Account
from roadmap.choices import HealthImpact
from roadmap.models import RoadmapItem, Vote


class RoadmapItemSerializer(serializers.ModelSerializer):
    owner = serializers.StringRelatedField()
    url = serializers.CharField(source="get_absolute_url", read_only=True)

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
            "score",
            "rank",
            "score_breakdown",
            "scored_at",
            "url",
            "updated_at",
        ]
        read_only_fields = fields


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
