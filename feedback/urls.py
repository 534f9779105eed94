from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("new/", views.FeedbackCreateView.as_view(), name="create"),
    path("similar/", views.similar, name="similar"),
    path("mine/", views.MyFeedbackView.as_view(), name="mine"),
    path("triage/", views.TriageView.as_view(), name="triage"),
    path("triage/export.csv", views.triage_export, name="triage-export"),
    path("triage/bulk/", views.bulk, name="triage-bulk"),
    path("undo/<uuid:batch>/", views.undo, name="undo"),
    path("<int:pk>/queue/", views.queue_panel, name="queue-panel"),
    path("<int:pk>/queue/<slug:action>/", views.queue_action, name="queue-action"),
    path("items/<int:item_id>/tickets/", views.item_tickets, name="item-tickets"),
    path("<int:pk>/", views.ticket_detail, name="detail"),
    path("<int:pk>/join/", views.join, name="join"),
    path("<int:pk>/triage/", views.triage_ticket, name="triage-ticket"),
    path("<int:pk>/duplicate/", views.mark_duplicate, name="mark-duplicate"),
    path("<int:pk>/link-item/", views.link_item, name="link-item"),
    path("<int:pk>/create-item/", views.create_item, name="create-item"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
]
