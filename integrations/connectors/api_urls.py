from django.contrib.auth.decorators import login_not_required
from django.urls import path

from .webhooks import AnalyticsWebhookView, JiraWebhookView

# Webhooks authenticate by their signature, not by a login.
urlpatterns: list = [
    path("hooks/jira/<int:pk>", login_not_required(JiraWebhookView.as_view()), name="hook-jira"),
    path(
        "hooks/analytics/<int:pk>",
        login_not_required(AnalyticsWebhookView.as_view()),
        name="hook-analytics",
    ),
]
