from django.urls import path

from . import views

urlpatterns: list = [
    path("adoption/unclaimed-keys", views.unclaimed_keys, name="adoption-unclaimed-keys"),
    path(
        "adoption/items/<int:item_id>/milestone",
        views.MilestoneFormView.as_view(),
        name="adoption-milestone",
    ),
]
