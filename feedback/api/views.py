"""The CS–Product feedback API: batch submit (atomic, idempotent), status, and ticket resources."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from portal.api.permissions import RoleModelPermissions, require_perms

from .. import selectors, services
from ..filtersets import FeedbackFilterSet
from ..models import FeedbackTicket, IdempotencyKey
from .serializers import (
    FeedbackSubmitSerializer,
    TicketSerializer,
    TicketStatusSerializer,
    TicketTriageSerializer,
)

BATCH_LIMIT = 50


class BatchError(Exception):
    def __init__(self, errors: dict):
        self.errors = errors


def _message(errors: dict) -> str:
    parts = []
    for index, fields in errors.items():
        for name, messages in fields.items():
            text = " ".join(str(m) for m in messages)
            parts.append(
                f"item {index}: {name}: {text}" if index is not None else f"{name}: {text}"
            )
    return "; ".join(parts)


def _service_errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errs).messages]
            for name, errs in exc.error_dict.items()
        }
    return {"non_field_errors": exc.messages}


class FeedbackSubmitView(APIView):
    """``POST cs-product/feedback``: one feedback object or a list of up to 50.

    The batch is atomic: any invalid item answers 400 naming its index and field and nothing is
    written. With an ``Idempotency-Key`` header a retry gets the first answer back, unwritten.
    """

    permission_classes = [require_perms("feedback.add_feedbackticket")]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "feedback_submit"

    @extend_schema(
        request=FeedbackSubmitSerializer(many=True),
        responses={201: TicketSerializer(many=True)},
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER)],
    )
    def post(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()[:255]
        fingerprint = hashlib.sha256(
            json.dumps(request.data, sort_keys=True, default=str).encode()
        ).hexdigest()
        if key:
            replay = self._replay(request, key, fingerprint)
            if replay is not None:
                return replay
        is_list = isinstance(request.data, list)
        items = request.data if is_list else [request.data]
        if is_list and not items:
            return Response(
                {"detail": "The list is empty: send at least one feedback item."}, status=400
            )
        if len(items) > BATCH_LIMIT:
            return Response(
                {
                    "detail": f"A batch holds at most {BATCH_LIMIT} feedback items; "
                    f"this one has {len(items)}."
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            with transaction.atomic():
                tickets = self._submit(request, items, is_list)
                body = TicketSerializer(
                    self._reload(tickets), many=True, context={"request": request}
                ).data
                body = body if is_list else body[0]
                if key:
                    IdempotencyKey.objects.create(
                        key=key,
                        user=request.user,
                        request_hash=fingerprint,
                        status_code=201,
                        response=json.dumps(body, cls=DjangoJSONEncoder),
                    )
        except BatchError as exc:
            payload = {"detail": _message(exc.errors)}
            if is_list:
                payload["errors"] = {str(i): fields for i, fields in exc.errors.items()}
            else:
                payload.update(exc.errors[None])
            return Response(payload, status=status.HTTP_400_BAD_REQUEST)
        except IntegrityError:
            # A concurrent request with the same key won: answer with its response.
            replay = self._replay(request, key, fingerprint) if key else None
            if replay is None:
                raise
            return replay
        return Response(body, status=status.HTTP_201_CREATED)

    def _replay(self, request, key, fingerprint):
        stored = IdempotencyKey.objects.filter(user=request.user, key=key).first()
        if stored is None:
            return None
        if stored.request_hash != fingerprint:
            return Response(
                {"detail": "This Idempotency-Key was used with a different request body."},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        response = Response(json.loads(stored.response), status=stored.status_code)
        response["Idempotent-Replayed"] = "true"
        return response

    def _submit(self, request, items, is_list):
        errors = {}
        valid = []
        for index, item in enumerate(items):
            label = index if is_list else None
            if not isinstance(item, dict):
                errors[label] = {"non_field_errors": ["Each item must be a JSON object."]}
                continue
            serializer = FeedbackSubmitSerializer(data=item)
            if serializer.is_valid():
                valid.append((label, serializer.validated_data))
            else:
                errors[label] = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        if errors:
            raise BatchError(errors)
        tickets = []
        for label, data in valid:
            data = dict(data)
            account = data.pop("account")
            try:
                tickets.append(
                    services.feedback_submit(account=account, submitter=request.user, **data)
                )
            except ValidationError as exc:
                raise BatchError({label: _service_errors(exc)}) from exc
        return tickets

    def _reload(self, tickets):
        by_id = {
            t.pk: t
            for t in FeedbackTicket.objects.filter(pk__in=[t.pk for t in tickets])
            .select_related("roadmap_item")
            .prefetch_related("ticket_accounts")
        }
        return [by_id[t.pk] for t in tickets]


class FeedbackStatusView(APIView):
    """``GET cs-product/feedback/status/{ticket_id}``: where the feedback stands on the roadmap."""

    permission_classes = [require_perms("feedback.view_feedbackticket")]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "feedback_read"

    @extend_schema(responses=TicketStatusSerializer)
    def get(self, request, ticket_id: int):
        ticket = FeedbackTicket.objects.select_related("roadmap_item").filter(pk=ticket_id).first()
        if ticket is None:
            raise Http404("No feedback ticket with that id.")
        ticket.account_count = ticket.ticket_accounts.count()
        return Response(TicketStatusSerializer(ticket).data)


class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Feedback tickets with the triage page's filters. Create submits (like the form); update is
    triage (PMs): product area, category, impact, status along the workflow, roadmap item."""

    queryset = selectors.tickets_for_triage().order_by("created_at", "id")
    serializer_class = TicketSerializer
    filterset_class = FeedbackFilterSet
    permission_classes = [RoleModelPermissions]
    throttle_classes = [ScopedRateThrottle]
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
        account = data.pop("account")
        try:
            ticket = services.feedback_submit(account=account, submitter=request.user, **data)
        except ValidationError as exc:
            raise serializers.ValidationError(_service_errors(exc)) from exc
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(
            TicketSerializer(ticket, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    def update(self, request, *args, **kwargs):
        if not request.user.has_perm("feedback.triage_feedbackticket"):
            self.permission_denied(request, message="Only product managers triage feedback.")
        ticket = self.get_object()
        serializer = TicketTriageSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            with transaction.atomic():
                if "roadmap_item" in data:
                    services.ticket_link_item(
                        ticket=ticket, item=data.pop("roadmap_item"), actor=request.user
                    )
                services.ticket_triage(
                    ticket=ticket,
                    actor=request.user,
                    status=data.pop("status", None),
                    declined_reason=data.pop("declined_reason", ""),
                    **data,
                )
        except ValidationError as exc:
            raise serializers.ValidationError(_service_errors(exc)) from exc
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(TicketSerializer(ticket, context={"request": request}).data)
