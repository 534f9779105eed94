from rest_framework import serializers

from roadmap.betas import selectors
from roadmap.betas.services import PROGRAM_FIELDS
from roadmap.models import BetaParticipant, BetaProgram


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
