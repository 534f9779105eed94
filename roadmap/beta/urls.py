from django.urls import path

from . import views

urlpatterns: list = [
    path("betas/", views.ProgramListView.as_view(), name="beta-list"),
    path("betas/new/", views.ProgramFormView.as_view(), name="beta-create"),
    path("betas/<int:pk>/", views.ProgramDetailView.as_view(), name="beta-detail"),
    path("betas/<int:pk>/edit/", views.ProgramFormView.as_view(), name="beta-edit"),
    path("betas/<int:pk>/nominate/", views.nominate, name="beta-nominate"),
    path("betas/<int:pk>/check/", views.program_check, name="beta-check"),
    path(
        "betas/participants/<int:pk>/transition/",
        views.participant_transition,
        name="beta-participant-transition",
    ),
    path(
        "betas/participants/<int:pk>/complete/",
        views.participant_complete,
        name="beta-participant-complete",
    ),
    path(
        "betas/accounts/<int:account_pk>/",
        views.account_eligibility,
        name="beta-account-eligibility",
    ),
    path("launches/", views.LaunchCalendarView.as_view(), name="launch-calendar"),
    path("launches/new/", views.launch_create, name="launch-create"),
    path("launches/<int:pk>/", views.LaunchDetailView.as_view(), name="launch-detail"),
    path("launches/<int:pk>/move/", views.launch_move, name="launch-move"),
    path("launches/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("launches/milestones/<int:pk>/move/", views.milestone_move, name="milestone-move"),
    path("launches/milestones/<int:pk>/tick/", views.milestone_tick, name="milestone-tick"),
]
