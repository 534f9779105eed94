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
]
