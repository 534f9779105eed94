from rest_framework.routers import SimpleRouter

from .views import LaunchPlanViewSet, MilestoneViewSet

router = SimpleRouter(trailing_slash=False)
router.register("launch-plans", LaunchPlanViewSet, basename="api-launch-plan")
router.register("milestones", MilestoneViewSet, basename="api-milestone")

urlpatterns: list = [*router.urls]
