from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import FeedbackStatusView, FeedbackSubmitView, TicketViewSet

router = SimpleRouter(trailing_slash=False)
router.register("feedback-tickets", TicketViewSet, basename="api-feedback-ticket")

urlpatterns: list = [
    path("cs-product/feedback", FeedbackSubmitView.as_view(), name="api-feedback-submit"),
    path(
        "cs-product/feedback/status/<int:ticket_id>",
        FeedbackStatusView.as_view(),
        name="api-feedback-status",
    ),
    *router.urls,
]
