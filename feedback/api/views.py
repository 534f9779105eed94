"""The CS–Product feedback API: batch submit (atomic, idempotent), status, and ticket resources.

Each view is input serializer → one service → output serializer. Service errors are not caught
here: ``portal.errors.api_exception_handler`` answers them (400 by field, 403)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.apiaccess.throttles import ClientRateThrottle

from .. import permissions, selectors, services
from ..filtersets import FeedbackFilterSet
from .serializers import (
    FeedbackSubmitSerializer,
    TicketSerializer,
    TicketStatusSerializer,
    TicketTriageSerializer,
)


class FeedbackSubmitView(APIView):
    """``POST cs-product/feedback``: one feedback object or a list of up to 50.

    The batch is atomic: any invalid item answers 400 naming its index and field and nothing is
    written. With an ``Idempotency-Key`` header a retry gets the first answer back, unwritten.
    """

    oauth_scope = "feedback"

    permission_classes = [permissions.api_requires(permissions.can_submit)]
    throttle_classes = [ClientRateThrottle, ScopedRateThrottle]
    throttle_scope = "feedback_submit"

    @extend_schema(
        request=FeedbackSubmitSerializer(many=True),
        responses={201: TicketSerializer(many=True)},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request):
        answer = services.feedback_submit_batch(
            submitter=request.user,
            items=request.data,
            idempotency_key=request.headers.get("Idempotency-Key"),
            clean=FeedbackSubmitSerializer.clean_batch,
            render=lambda tickets: (
                TicketSerializer(
                    selectors.tickets_in_order([t.pk for t in tickets]),
                    many=True,
                    context={"request": request},
                ).data
            ),
        )
        response = Response(answer.data, status=answer.status_code)
        if answer.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class FeedbackStatusView(APIView):
    """``GET cs-product/feedback/status/{ticket_id}``: where the feedback stands on the roadmap."""

    oauth_scope = "feedback"

    permission_classes = [permissions.api_requires(permissions.can_view)]
    throttle_classes = [ClientRateThrottle, ScopedRateThrottle]
    throttle_scope = "feedback_read"

    @extend_schema(responses=TicketStatusSerializer)
    def get(self, request, ticket_id: int):
        ticket = selectors.ticket_for_status(ticket_id)
        if ticket is None:
            raise Http404("No feedback ticket with that id.")
        return Response(TicketStatusSerializer(ticket).data)


class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Feedback tickets with the triage page's filters. Create submits (like the form); update is
    triage (PMs): product area, category, impact, status along the workflow, roadmap item. There
    is no delete (405): feedback is declined or merged, never deleted."""

    oauth_scope = "feedback"

    queryset = selectors.tickets_for_triage().order_by("created_at", "id")
    serializer_class = TicketSerializer
    filterset_class = FeedbackFilterSet
    permission_classes = [permissions.TicketApiPermissions]
    throttle_classes = [ClientRateThrottle, ScopedRateThrottle]
    throttle_scope = "feedback_read"

    def get_serializer_class(self):
        if self.action == "create":
            return FeedbackSubmitSerializer
        if self.action in ("update", "partial_update"):
            return TicketTriageSerializer
        return TicketSerializer

    def create(self, request, *args, **kwargs):
        serializer = FeedbackSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ticket = services.feedback_submit(
            account=data.pop("account"), submitter=request.user, **data
        )
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(
            TicketSerializer(ticket, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        if not permissions.can_triage(request.user):
            self.permission_denied(request, message=permissions.TRIAGE_REFUSED)
        ticket = self.get_object()
        serializer = TicketTriageSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.ticket_triage(ticket=ticket, actor=request.user, **serializer.validated_data)
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(TicketSerializer(ticket, context={"request": request}).data)
