from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import RoadmapItemViewSet, VoteView

router = SimpleRouter(trailing_slash=False)
router.register("roadmap-items", RoadmapItemViewSet, basename="api-roadmap-item")

urlpatterns: list = [
    path("cs-product/vote/<int:feature_id>", VoteView.as_view(), name="api-vote"),
    *router.urls,
    path("", include("roadmap.betas.api.urls")),
    path("", include("roadmap.launches.api.urls")),
]
