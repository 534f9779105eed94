"""API for launch plans: a read-only resource with readiness and milestones."""

from rest_framework import viewsets

from roadmap.launches import selectors

from .serializers import LaunchPlanSerializer


class LaunchPlanViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = selectors.plans_for_lists().order_by("id")
    serializer_class = LaunchPlanSerializer
