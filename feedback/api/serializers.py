from rest_framework import serializers

from portal.api.strict import StrictFieldsMixin
from roadmap.models import RoadmapItem

from .. import services
from ..choices import Category, Impact
from ..models import SUBMIT_FIELDS, FeedbackTicket


class FeedbackSubmitSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """One feedback item as the CS–Product API receives it (the fields the submit form has)."""

    class Meta:
        model = FeedbackTicket
        fields = ["account", *SUBMIT_FIELDS]

    @classmethod
    def clean_batch(cls, payload) -> list[dict]:
        """One object or a list of up to ``BATCH_LIMIT``, as ``feedback_submit_batch`` takes it.

        Refuses the whole batch (400) naming each invalid item's index and field: ``detail``
        sums them up, ``errors`` maps index → field → messages (a single object has its fields at
        the top level instead)."""
        many = isinstance(payload, list)
        items = payload if many else [payload]
        if problem := services.batch_size_problem(len(items), many=many):
            raise serializers.ValidationError({"detail": problem})
        errors, valid = {}, []
        for index, item in enumerate(items):
            label = index if many else None
            if not isinstance(item, dict):
                errors[label] = {"non_field_errors": ["Each item must be a JSON object."]}
                continue
            serializer = cls(data=item)
            if serializer.is_valid():
                valid.append(dict(serializer.validated_data))
            else:
                errors[label] = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        if errors:
            body = {"detail": _summary(errors)}
            if many:
                body["errors"] = {str(i): fields for i, fields in errors.items()}
            else:
                body.update(errors[None])
            raise serializers.ValidationError(body)
        return valid


def _summary(errors: dict) -> str:
    parts = []
    for index, fields in errors.items():
        for name, messages in fields.items():
            text = " ".join(str(m) for m in messages)
            parts.append(
                f"item {index}: {name}: {text}" if index is not None else f"{name}: {text}"
            )
    return "; ".join(parts)


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


class TicketTriageSerializer(StrictFieldsMixin, serializers.Serializer):
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
