"""API for betas: the CS–Product eligibility endpoint and read-only resources."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import require_perms
from portal.models import Account
from roadmap.betas import selectors
from roadmap.betas.filtersets import BetaParticipantFilterSet, BetaProgramFilterSet
from roadmap.models import BetaParticipant

from .serializers import (
    BetaParticipantSerializer,
    BetaProgramSerializer,
    ProgramEligibilitySerializer,
)


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


class BetaProgramViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.programs_for_list().order_by("id")
    serializer_class = BetaProgramSerializer
    filterset_class = BetaProgramFilterSet


class BetaParticipantViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = BetaParticipant.objects.order_by("id")
    serializer_class = BetaParticipantSerializer
    filterset_class = BetaParticipantFilterSet
