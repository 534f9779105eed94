from django.urls import path

from . import views

urlpatterns: list = [
    path("sync/", views.SyncPageView.as_view(), name="sync"),
    path("sync/runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("connections/new/", views.ConnectionFormView.as_view(), name="connection-create"),
    path("connections/<int:pk>/", views.ConnectionFormView.as_view(), name="connection-edit"),
    path("connections/<int:pk>/status", views.connection_status, name="connection-status"),
    path("connections/<int:pk>/sync", views.sync_now, name="sync-now"),
    path("connections/<int:pk>/import", views.analytics_import, name="analytics-import"),
    path("deliveries/<int:pk>/redeliver", views.redeliver, name="delivery-redeliver"),
    path("jira/items/<int:item_id>/create", views.jira_create, name="jira-create"),
    path("jira/items/<int:item_id>/status", views.jira_status, name="jira-status"),
]
