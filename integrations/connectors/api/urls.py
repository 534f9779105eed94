from django.contrib.auth.decorators import login_not_required
from django.urls import path
from rest_framework.routers import SimpleRouter

from ..analytics.adoption_api import ItemAdoptionView, OptimizeView
from ..registry import connectors
from .views import (
    ConnectionViewSet,
    DeliveryViewSet,
    FeatureUsageViewSet,
    SyncRunViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("connections", ConnectionViewSet, basename="api-connection")
router.register("sync-runs", SyncRunViewSet, basename="api-sync-run")
router.register("deliveries", DeliveryViewSet, basename="api-delivery")
router.register("feature-usage", FeatureUsageViewSet, basename="api-feature-usage")

# Each connector with a webhook is served at hooks/<kind>/<pk> (name hook-<kind>); webhooks
# authenticate by their signature, not by a login.
webhook_urls = [
    path(
        f"hooks/{c.kind}/<int:pk>",
        login_not_required(c.webhook.as_view()),
        name=c.webhook_url_name,
    )
    for c in connectors()
    if c.webhook
]

urlpatterns: list = [
    *webhook_urls,
    # An item id (adoption of what it ships) or a raw analytics key (the per-key summary).
    path("cs-product/adoption/<str:feature_id>", ItemAdoptionView.as_view(), name="api-adoption"),
    path("cs-product/optimize", OptimizeView.as_view(), name="api-optimize"),
    *router.urls,
]
