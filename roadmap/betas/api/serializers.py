from rest_framework import serializers

from portal.api.strict import StrictFieldsMixin
from portal.choices import LifecycleStage, Tier
from portal.models import Account, User
from roadmap.betas import selectors
from roadmap.betas.choices import ParticipantState
from roadmap.betas.services import PROGRAM_FIELDS
from roadmap.models import BetaParticipant, BetaProgram, RoadmapItem


class RuleSerializer(serializers.Serializer):
    rule = serializers.CharField()
    passed = serializers.BooleanField()
    reason = serializers.CharField()


class ProgramEligibilitySerializer(serializers.Serializer):
    program_id = serializers.IntegerField(source="program.pk")
    program = serializers.CharField(source="program.name")
    item_id = serializers.IntegerField(source="program.item_id")
    item = serializers.CharField(source="program.item.title")
    eligible = serializers.BooleanField()
    participant_state = serializers.CharField(source="state", allow_null=True)
    rules = RuleSerializer(source="results", many=True)


class BetaProgramSerializer(serializers.ModelSerializer):
    seats_taken = serializers.IntegerField(read_only=True)
    positive_validation_rate = serializers.SerializerMethodField()

    class Meta:
        model = BetaProgram
        fields = ["id", "item", *PROGRAM_FIELDS, "seats_taken", "positive_validation_rate"]
        read_only_fields = fields

    def get_positive_validation_rate(self, program) -> int | None:
        return selectors.validation_rate(program).percent


class BetaParticipantSerializer(serializers.ModelSerializer):
    class Meta:
        model = BetaParticipant
        fields = [
            "id",
            "program",
            "account",
            "csm",
            "state",
            "nominated_at",
            "invited_at",
            "accepted_at",
            "activated_at",
            "completed_at",
            "declined_at",
            "removed_at",
            "validation_rating",
            "validation_comments",
        ]
        read_only_fields = fields


# --- Inputs (the program form and the participant actions) ----------------------------------


class BetaProgramUpdateSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """``PATCH``/``PUT beta-programs/{id}``: the program form without its item."""

    pm_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, groups__name="product_manager"),
        required=False,
        allow_null=True,
        help_text="A product manager's user id (the creator when left out at creation).",
    )
    cs_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, groups__name="cs_rep"),
        required=False,
        allow_null=True,
        help_text="A CS rep's user id.",
    )
    allowed_tiers = serializers.ListField(
        child=serializers.ChoiceField(choices=Tier.choices),
        required=False,
        max_length=len(Tier.choices),
        help_text="Empty: every tier.",
    )
    allowed_segments = serializers.ListField(
        child=serializers.CharField(max_length=80),
        required=False,
        max_length=50,
        help_text="Empty: every segment.",
    )
    excluded_stages = serializers.ListField(
        child=serializers.ChoiceField(choices=LifecycleStage.choices),
        required=False,
        max_length=len(LifecycleStage.choices),
    )

    class Meta:
        model = BetaProgram
        fields = PROGRAM_FIELDS


class BetaProgramCreateSerializer(BetaProgramUpdateSerializer):
    """``POST beta-programs``: the program form (its item is fixed from then on)."""

    item = serializers.PrimaryKeyRelatedField(queryset=RoadmapItem.objects.all())

    class Meta:
        model = BetaProgram
        fields = ["item", *PROGRAM_FIELDS]


class NominateInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST beta-programs/{id}/nominate``."""

    account = serializers.PrimaryKeyRelatedField(
        queryset=Account.objects.all(), help_text="Account id to nominate."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=10
    )


class TransitionInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST beta-participants/{id}/transition`` (``completed`` goes through ``/complete``)."""

    state = serializers.ChoiceField(choices=ParticipantState.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class CompleteInputSerializer(StrictFieldsMixin, serializers.Serializer):
    """``POST beta-participants/{id}/complete``: the validation rating and comments."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")
