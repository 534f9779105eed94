"""Roadmap API: items as a read-only resource (score, rank, breakdown) and the CS–Product vote."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api.permissions import require_perms
from roadmap import selectors, services
from roadmap.filtersets import RoadmapItemFilterSet
from roadmap.models import RoadmapItem

from .serializers import RoadmapItemSerializer, VoteInputSerializer, VoteSerializer


class RoadmapItemViewSet(viewsets.ReadOnlyModelViewSet):
    """Roadmap items ranked by success-weighted demand, with ``score``, ``rank`` and
    ``score_breakdown`` ("why is it ranked here"). Filters are the board's."""

    queryset = selectors.items_for_lists()
    serializer_class = RoadmapItemSerializer
    filterset_class = RoadmapItemFilterSet


class VoteView(APIView):
    """``POST cs-product/vote/{feature_id}``: a success-weighted vote for a roadmap item on behalf
    of an account, with its evidence. 201 for a new vote, 200 when the account's vote is updated.
    """

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
        try:
            vote, created = services.vote_cast(
                item=item, rep=request.user, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(
            VoteSerializer(vote).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
