"""API for betas: the CS–Product eligibility endpoint, programs (create and edit like the program
form) and participants (nominate, move along the states, complete), through
``roadmap.betas.services`` with the rules of ``roadmap.permissions``."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import deny_unless, require_perms
from portal.models import Account
from roadmap import permissions
from roadmap.betas import selectors, services
from roadmap.betas.filtersets import BetaParticipantFilterSet, BetaProgramFilterSet
from roadmap.models import BetaParticipant

from .serializers import (
    BetaParticipantSerializer,
    BetaProgramCreateSerializer,
    BetaProgramSerializer,
    BetaProgramUpdateSerializer,
    CompleteInputSerializer,
    NominateInputSerializer,
    ProgramEligibilitySerializer,
    TransitionInputSerializer,
)


class BetaEligibleView(APIView):
    """``GET cs-product/beta/eligible/{customer_id}``: the account against every open program,
    with ``eligible`` and each rule's reason. ``customer_id`` is the account id or its CRM id."""

    oauth_scope = "beta"

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


class BetaProgramViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Beta programs with their seats and validation rate. PMs create and edit them;
    ``/nominate`` puts an account forward (CS reps: only the accounts they manage)."""

    oauth_scope = "beta"

    queryset = selectors.programs_for_list().order_by("id")
    serializer_class = BetaProgramSerializer
    filterset_class = BetaProgramFilterSet

    def _answer(self, program, code=status.HTTP_200_OK) -> Response:
        program = self.get_queryset().get(pk=program.pk)
        return Response(BetaProgramSerializer(program).data, status=code)

    @extend_schema(request=BetaProgramCreateSerializer, responses={201: BetaProgramSerializer})
    def create(self, request):
        deny_unless(permissions.can_create_program(request.user))
        serializer = BetaProgramCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        program = services.beta_program_create(item=data.pop("item"), actor=request.user, **data)
        return self._answer(program, status.HTTP_201_CREATED)

    @extend_schema(request=BetaProgramUpdateSerializer, responses=BetaProgramSerializer)
    def update(self, request, pk=None, partial=False):
        program = self.get_object()
        deny_unless(permissions.can_edit_program(request.user, program))
        serializer = BetaProgramUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        program = services.beta_program_update(
            program=program, actor=request.user, **serializer.validated_data
        )
        return self._answer(program)

    @extend_schema(request=BetaProgramUpdateSerializer, responses=BetaProgramSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=NominateInputSerializer, responses={201: BetaParticipantSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[require_perms("roadmap.view_betaprogram")],
    )
    def nominate(self, request, pk=None):
        """Nominate an account (eligibility, capacity and the per-CSM cap are checked)."""
        program = self.get_object()
        deny_unless(permissions.can_nominate_some(request.user))
        serializer = NominateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = services.beta_participant_nominate(
            program=program, actor=request.user, **serializer.validated_data
        )
        return Response(BetaParticipantSerializer(participant).data, status=status.HTTP_201_CREATED)


class BetaParticipantViewSet(viewsets.ReadOnlyModelViewSet):
    """Participants of every program; PMs move them along the states and complete them."""

    oauth_scope = "beta"

    queryset = BetaParticipant.objects.order_by("id")
    serializer_class = BetaParticipantSerializer
    filterset_class = BetaParticipantFilterSet

    @extend_schema(request=TransitionInputSerializer, responses=BetaParticipantSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[require_perms("roadmap.view_betaparticipant")],
    )
    def transition(self, request, pk=None):
        """Invite, accept, activate, decline or remove a participant."""
        participant = self.get_object()
        deny_unless(permissions.can_manage_participants(request.user, participant.program))
        serializer = TransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = services.beta_participant_transition(
            participant=participant, actor=request.user, **serializer.validated_data
        )
        return Response(BetaParticipantSerializer(participant).data)

    @extend_schema(request=CompleteInputSerializer, responses=BetaParticipantSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[require_perms("roadmap.view_betaparticipant")],
    )
    def complete(self, request, pk=None):
        """Finish an active participant's beta with its validation rating (1–5)."""
        participant = self.get_object()
        deny_unless(permissions.can_manage_participants(request.user, participant.program))
        serializer = CompleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = services.beta_participant_complete(
            participant=participant, actor=request.user, **serializer.validated_data
        )
        return Response(BetaParticipantSerializer(participant).data)
