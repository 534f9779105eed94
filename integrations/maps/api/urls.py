from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CriterionTickView,
    CriterionUntickView,
    CriterionVerifyView,
    IntegrationMapViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("integration-maps", IntegrationMapViewSet, basename="api-integration-map")

urlpatterns: list = [
    path(
        "integration-criteria/<int:pk>/tick", CriterionTickView.as_view(), name="api-criterion-tick"
    ),
    path(
        "integration-criteria/<int:pk>/verify",
        CriterionVerifyView.as_view(),
        name="api-criterion-verify",
    ),
    path(
        "integration-criteria/<int:pk>/untick",
        CriterionUntickView.as_view(),
        name="api-criterion-untick",
    ),
    *router.urls,
]
