"""API for betas and launches: the CS–Product eligibility endpoint and read-only resources."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import require_perms
from portal.models import Account
from roadmap.models import BetaParticipant, BetaProgram, LaunchPlan

from . import selectors
from .readiness import plan_readiness


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


class BetaEligibleView(APIView):
    """``GET cs-product/beta/eligible/{customer_id}``: the account against every open program,
    with ``eligible`` and each rule's reason. ``customer_id`` is the account id or its CRM id."""

    permission_classes = [require_perms("roadmap.view_betaprogram", "portal.view_account")]

    @extend_schema(
        responses=inline_serializer(
            "BetaEligibility",
            {
                "customer_id": serializers.IntegerField(),
                "account": serializers.CharField(),
                "programs": ProgramEligibilitySerializer(many=True),
            },
        )
    )
    def get(self, request, customer_id: str):
        accounts = Account.objects.select_related("csm_owner")
        account = (
            accounts.filter(pk=int(customer_id)).first() if customer_id.isdigit() else None
        ) or accounts.filter(crm_id=customer_id).first()
        if account is None:
            raise Http404("No account with that id.")
        answers = selectors.eligibility_for_account(account)
        return Response(
            {
                "customer_id": account.pk,
                "account": account.name,
                "programs": ProgramEligibilitySerializer(answers, many=True).data,
            }
        )


class BetaProgramSerializer(serializers.ModelSerializer):
    seats_taken = serializers.IntegerField(read_only=True)
    positive_validation_rate = serializers.SerializerMethodField()

    class Meta:
        model = BetaProgram
        fields = [
            "id",
            "item",
            "name",
            "goal",
            "status",
            "starts_on",
            "ends_on",
            "capacity",
            "seats_taken",
            "pm_owner",
            "cs_owner",
            "min_health_score",
            "allowed_tiers",
            "allowed_segments",
            "excluded_stages",
            "sandbox_required",
            "feedback_commitment_required",
            "per_csm_cap",
            "positive_validation_rate",
        ]
        read_only_fields = fields

    def get_positive_validation_rate(self, program) -> int | None:
        return selectors.validation_rate(program).percent


class BetaProgramViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BetaProgram.objects.for_lists().order_by("id")
    serializer_class = BetaProgramSerializer
    filterset_fields = ["status", "item"]


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


class BetaParticipantViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BetaParticipant.objects.order_by("id")
    serializer_class = BetaParticipantSerializer
    filterset_fields = ["program", "account", "state"]


class LaunchPlanSerializer(serializers.ModelSerializer):
    launch_date = serializers.DateField(source="item.launch_date")
    readiness = serializers.SerializerMethodField()
    milestones = serializers.SerializerMethodField()

    class Meta:
        model = LaunchPlan
        fields = ["id", "item", "owner", "launch_date", "readiness", "milestones"]
        read_only_fields = fields

    def get_readiness(self, plan) -> dict:
        report = plan_readiness(plan)
        return {
            "status": report.status,
            "reasons": report.reasons,
            "recommendations": report.recommendations,
        }

    def get_milestones(self, plan) -> list[dict]:
        return [
            {
                "id": m.pk,
                "name": m.name,
                "due_date": m.due_date,
                "offset_days": m.offset_days,
                "critical": m.critical,
                "owner": m.owner_id,
                "done": m.is_done,
                "depends_on": [d.pk for d in m.depends_on.all()],
            }
            for m in plan.milestones.all()
        ]


class LaunchPlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = LaunchPlan.objects.for_lists().order_by("id")
    serializer_class = LaunchPlanSerializer
