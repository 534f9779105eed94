from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    CriterionTickView,
    CriterionUntickView,
    CriterionVerifyView,
    IntegrationMapViewSet,
    KpiMeasureView,
    MapImportViewSet,
    PointOwnerView,
)

router = SimpleRouter(trailing_slash=False)
router.register("integration-maps", IntegrationMapViewSet, basename="api-integration-map")
router.register("integration-map-imports", MapImportViewSet, basename="api-map-import")

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
    path("integration-points/<int:pk>/owner", PointOwnerView.as_view(), name="api-point-owner"),
    path("kpi-targets/<int:pk>/measure", KpiMeasureView.as_view(), name="api-kpi-measure"),
    *router.urls,
]
