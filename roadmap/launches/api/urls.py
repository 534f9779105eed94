from rest_framework.routers import SimpleRouter

from .views import LaunchPlanViewSet

router = SimpleRouter(trailing_slash=False)
router.register("launch-plans", LaunchPlanViewSet, basename="api-launch-plan")

urlpatterns: list = [*router.urls]
