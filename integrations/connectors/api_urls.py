from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.routers import SimpleRouter

from .analytics.adoption_api import ItemAdoptionView, OptimizeView
from .api import ConnectionViewSet, DeliveryViewSet, FeatureUsageViewSet, SyncRunViewSet
from .webhooks import AnalyticsWebhookView, JiraWebhookView

router = SimpleRouter(trailing_slash=False)
router.register("connections", ConnectionViewSet, basename="api-connection")
router.register("sync-runs", SyncRunViewSet, basename="api-sync-run")
router.register("deliveries", DeliveryViewSet, basename="api-delivery")
router.register("feature-usage", FeatureUsageViewSet, basename="api-feature-usage")

# Webhooks authenticate by their signature, not by a login.
urlpatterns: list = [
    path("hooks/jira/<int:pk>", login_not_required(JiraWebhookView.as_view()), name="hook-jira"),
    path(
        "hooks/analytics/<int:pk>",
        login_not_required(AnalyticsWebhookView.as_view()),
        name="hook-analytics",
    ),
    path("cs-product/adoption/<str:feature_id>", ItemAdoptionView.as_view(), name="api-adoption"),
    path("cs-product/optimize", OptimizeView.as_view(), name="api-optimize"),
    *router.urls,
]
