from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import BetaEligibleView, BetaParticipantViewSet, BetaProgramViewSet

router = SimpleRouter(trailing_slash=False)
router.register("beta-programs", BetaProgramViewSet, basename="api-beta-program")
router.register("beta-participants", BetaParticipantViewSet, basename="api-beta-participant")

urlpatterns: list = [
    path(
        "cs-product/beta/eligible/<str:customer_id>",
        BetaEligibleView.as_view(),
        name="api-beta-eligible",
    ),
    *router.urls,
]
