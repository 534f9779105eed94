"""Roadmap API: items (score, rank, breakdown; create, edit and move them like the item form and
the board) and the CS–Product vote. Writes go through ``roadmap.services`` with the rules of
``roadmap.permissions``; service errors reach ``portal.errors.api_exception_handler``."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import deny_unless, require_perms
from roadmap import permissions, selectors, services
from roadmap.features import with_feature_keys
from roadmap.filtersets import RoadmapItemFilterSet
from roadmap.models import RoadmapItem, Vote

from .serializers import (
    RoadmapItemInputSerializer,
    RoadmapItemMoveSerializer,
    RoadmapItemSerializer,
    RoadmapItemUpdateSerializer,
    VoteInputSerializer,
    VoteSerializer,
)


class RoadmapItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Roadmap items ranked by success-weighted demand, with ``score``, ``rank`` and
    ``score_breakdown`` ("why is it ranked here"). Filters are the board's. PMs create and edit
    items (the item form) and move them between the board's columns (``/move``)."""

    oauth_scope = "roadmap"

    queryset = with_feature_keys(selectors.items_for_lists())
    serializer_class = RoadmapItemSerializer
    filterset_class = RoadmapItemFilterSet

    def _answer(self, item, code=status.HTTP_200_OK) -> Response:
        item = self.get_queryset().get(pk=item.pk)
        return Response(RoadmapItemSerializer(item).data, status=code)

    @extend_schema(request=RoadmapItemInputSerializer, responses={201: RoadmapItemSerializer})
    def create(self, request):
        deny_unless(permissions.can_create_item(request.user))
        serializer = RoadmapItemInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.roadmap_item_create(actor=request.user, **serializer.validated_data)
        return self._answer(item, status.HTTP_201_CREATED)

    @extend_schema(request=RoadmapItemUpdateSerializer, responses=RoadmapItemSerializer)
    def update(self, request, pk=None, partial=False):
        item = self.get_object()
        deny_unless(permissions.can_edit_item(request.user, item))
        serializer = RoadmapItemUpdateSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        item = services.roadmap_item_update(
            item=item, actor=request.user, **serializer.validated_data
        )
        return self._answer(item)

    @extend_schema(request=RoadmapItemUpdateSerializer, responses=RoadmapItemSerializer)
    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)

    @extend_schema(request=RoadmapItemMoveSerializer, responses=RoadmapItemSerializer)
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[require_perms("roadmap.view_roadmapitem")],
    )
    def move(self, request, pk=None):
        """Move the card to another column of the board (shipping closes the loop)."""
        item = self.get_object()
        deny_unless(permissions.can_move_item(request.user, item))
        serializer = RoadmapItemMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.roadmap_item_move(
            item=item, actor=request.user, status=serializer.validated_data["status"]
        )
        return self._answer(item)


class VoteView(APIView):
    """``POST cs-product/vote/{feature_id}``: a success-weighted vote for a roadmap item on behalf
    of an account, with its evidence. 201 for a new vote, 200 when the account's vote is updated.
    """

    oauth_scopes = {"POST": "roadmap:vote", "DELETE": "roadmap:vote"}

    permission_classes = [require_perms("roadmap.add_vote")]

    @extend_schema(
        request=VoteInputSerializer,
        responses={
            201: VoteSerializer,
            200: VoteSerializer,
            400: OpenApiResponse(description="Errors by field, e.g. {'evidence': ['…']}"),
            404: OpenApiResponse(description="No roadmap item with that id."),
        },
    )
    def post(self, request, feature_id: int):
        item = get_object_or_404(RoadmapItem, pk=feature_id)
        serializer = VoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A refusal by the service (closed item, not your account) is answered by
        # portal.errors.api_exception_handler: 400 with the messages by field.
        vote, created = services.vote_cast(item=item, rep=request.user, **serializer.validated_data)
        return Response(
            VoteSerializer(vote).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("account", int, required=True, description="Account id of the vote.")
        ],
        responses={
            204: OpenApiResponse(description="Vote withdrawn."),
            400: OpenApiResponse(description="{'account': ['…']}"),
            403: OpenApiResponse(description="Not your vote."),
            404: OpenApiResponse(description="No such item, or no vote for that account."),
        },
    )
    def delete(self, request, feature_id: int):
        """Withdraw the vote for ``feature_id`` on behalf of ``?account=``."""
        if not request.user.has_perm("roadmap.delete_vote"):
            raise PermissionDenied("Your role does not allow this action.")
        item = get_object_or_404(RoadmapItem, pk=feature_id)
        account = request.query_params.get("account", "")
        if not account.isdigit():
            raise ValidationError({"account": ["An account id is required."]})
        vote = get_object_or_404(
            Vote.objects.select_related("account"), item=item, account_id=int(account)
        )
        services.vote_withdraw(vote=vote, actor=request.user)  # PermissionDenied: 403
        return Response(status=status.HTTP_204_NO_CONTENT)
