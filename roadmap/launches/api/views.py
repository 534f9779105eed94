"""API for launch plans and milestones: readiness and milestones to read; create a plan, move its
launch date, add, move and tick milestones through ``roadmap.launches.services`` with the rules
of ``roadmap.permissions`` (the calendar's and the plan page's actions)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from portal.api.permissions import deny_unless, require_perms
from roadmap import permissions
from roadmap.launches import selectors, services
from roadmap.models import Milestone

from .serializers import (
    LaunchDateSerializer,
    LaunchPlanCreateSerializer,
    LaunchPlanSerializer,
    MilestoneInputSerializer,
    MilestoneMoveSerializer,
    MilestoneSerializer,
    MilestoneTickSerializer,
)

_VIEW_PLAN = require_perms("roadmap.view_launchplan")
_VIEW_MILESTONE = require_perms("roadmap.view_milestone")


class LaunchPlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Launch plans with readiness (reasons, recommendations) and milestones."""

    oauth_scope = "launch"

    queryset = selectors.plans_for_lists().order_by("id")
    serializer_class = LaunchPlanSerializer

    def _answer(self, plan, code=status.HTTP_200_OK) -> Response:
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(LaunchPlanSerializer(plan).data, status=code)

    @extend_schema(request=LaunchPlanCreateSerializer, responses={201: LaunchPlanSerializer})
    def create(self, request):
        """A plan with the standard milestones (T−14, T−7, T, T+30) for an item with a launch
        date and no plan yet."""
        deny_unless(permissions.can_create_launch(request.user))
        serializer = LaunchPlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.launch_plan_create(
            item=serializer.validated_data["item"], actor=request.user
        )
        return self._answer(plan, status.HTTP_201_CREATED)

    @extend_schema(request=LaunchDateSerializer, responses=LaunchPlanSerializer)
    @action(detail=True, methods=["post"], permission_classes=[_VIEW_PLAN])
    def move(self, request, pk=None):
        """Move the launch date; undone relative milestones move with it."""
        plan = self.get_object()
        deny_unless(permissions.can_move_launch(request.user, plan))
        serializer = LaunchDateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.launch_date_move(plan=plan, actor=request.user, **serializer.validated_data)
        return self._answer(plan)

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneSerializer})
    @action(detail=True, methods=["post"], permission_classes=[_VIEW_PLAN])
    def milestones(self, request, pk=None):
        """Add a milestone to the plan."""
        plan = self.get_object()
        deny_unless(permissions.can_add_milestone(request.user, plan))
        serializer = MilestoneInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_add(
            plan=plan, actor=request.user, **serializer.validated_data
        )
        return Response(
            MilestoneSerializer(_milestones().get(pk=milestone.pk)).data,
            status=status.HTTP_201_CREATED,
        )


def _milestones():
    return Milestone.objects.prefetch_related(
        Prefetch("depends_on", queryset=Milestone.objects.only("pk"))
    ).order_by("plan_id", "due_date", "id")


class MilestoneViewSet(viewsets.ReadOnlyModelViewSet):
    """Milestones of every plan; PMs move and tick them."""

    oauth_scope = "launch"

    queryset = _milestones()
    serializer_class = MilestoneSerializer
    filterset_fields = ["plan", "critical", "owner"]

    @extend_schema(request=MilestoneMoveSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"], permission_classes=[_VIEW_MILESTONE])
    def move(self, request, pk=None):
        """Give the milestone a new date (a relative one keeps its new distance to the launch)."""
        milestone = self.get_object()
        deny_unless(permissions.can_manage_milestones(request.user, milestone.plan))
        serializer = MilestoneMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.milestone_move(
            milestone=milestone, actor=request.user, **serializer.validated_data
        )
        return Response(MilestoneSerializer(self.get_queryset().get(pk=milestone.pk)).data)

    @extend_schema(request=MilestoneTickSerializer, responses=MilestoneSerializer)
    @action(detail=True, methods=["post"], permission_classes=[_VIEW_MILESTONE])
    def tick(self, request, pk=None):
        """Mark the milestone done (``done: true``) or reopen it."""
        milestone = self.get_object()
        deny_unless(permissions.can_manage_milestones(request.user, milestone.plan))
        serializer = MilestoneTickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.milestone_tick(
            milestone=milestone, actor=request.user, **serializer.validated_data
        )
        return Response(MilestoneSerializer(self.get_queryset().get(pk=milestone.pk)).data)
