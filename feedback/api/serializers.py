from rest_framework import serializers

from portal.models import Account
from roadmap.models import BetaProgram, RoadmapItem

from ..choices import Category, Impact, Source
from ..models import FeedbackTicket


class FeedbackSubmitSerializer(serializers.Serializer):
    """One feedback item as the CS–Product API receives it."""

    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=Category.choices)
    impact = serializers.ChoiceField(choices=Impact.choices)
    source = serializers.ChoiceField(choices=Source.choices)
    product_area = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    customer_quote = serializers.CharField(required=False, allow_blank=True, default="")
    beta_program = serializers.PrimaryKeyRelatedField(
        queryset=BetaProgram.objects.all(), required=False, allow_null=True, default=None
    )


class ItemSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = RoadmapItem
        fields = ["id", "title", "status", "rank"]
        read_only_fields = fields


class TicketSerializer(serializers.ModelSerializer):
    accounts = serializers.SerializerMethodField()
    roadmap_item_title = serializers.CharField(source="roadmap_item.title", default=None)
    url = serializers.SerializerMethodField()

    class Meta:
        model = FeedbackTicket
        fields = [
            "id",
            "account",
            "accounts",
            "submitter",
            "title",
            "description",
            "category",
            "impact",
            "source",
            "product_area",
            "customer_quote",
            "status",
            "declined_reason",
            "duplicate_of",
            "roadmap_item",
            "roadmap_item_title",
            "beta_program",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    def get_accounts(self, ticket) -> list[int]:
        return [link.account_id for link in ticket.ticket_accounts.all()]

    def get_url(self, ticket) -> str:
        request = self.context.get("request")
        url = ticket.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class TicketTriageSerializer(serializers.Serializer):
    """What a PM may change through the API: triage fields, status (workflow) and the item."""

    product_area = serializers.CharField(max_length=80, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    status = serializers.CharField(required=False)
    declined_reason = serializers.CharField(required=False, allow_blank=True, default="")
    roadmap_item = serializers.PrimaryKeyRelatedField(
        queryset=RoadmapItem.objects.all(), required=False, allow_null=True
    )


class TicketStatusSerializer(serializers.Serializer):
    ticket_id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    duplicate_of = serializers.IntegerField(source="duplicate_of_id", allow_null=True)
    roadmap_item = ItemSummarySerializer(allow_null=True)
    delivery_estimate = serializers.DateField(allow_null=True)
    accounts = serializers.IntegerField(source="account_count")
    updated_at = serializers.DateTimeField()
