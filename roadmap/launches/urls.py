from django.urls import path

from . import views

urlpatterns: list = [
    path("launches/", views.LaunchCalendarView.as_view(), name="launch-calendar"),
    path("launches/new/", views.launch_create, name="launch-create"),
    path("launches/<int:pk>/", views.LaunchDetailView.as_view(), name="launch-detail"),
    path("launches/<int:pk>/move/", views.launch_move, name="launch-move"),
    path("launches/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("launches/milestones/<int:pk>/move/", views.milestone_move, name="milestone-move"),
    path("launches/milestones/<int:pk>/tick/", views.milestone_tick, name="milestone-tick"),
]
