from django.urls import include, path

from . import views

app_name = "roadmap"

urlpatterns: list = [
    path("", views.BoardView.as_view(), name="board"),
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("items/new/", views.ItemFormView.as_view(), name="item-create"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item-detail"),
    path("items/<int:pk>/edit/", views.ItemFormView.as_view(), name="item-edit"),
    path("items/<int:pk>/vote/", views.item_vote, name="item-vote"),
    path("items/<int:pk>/move/", views.item_move, name="item-move"),
    path("votes/", views.MyVotesView.as_view(), name="my-votes"),
    path("votes/<int:pk>/withdraw/", views.vote_withdraw, name="vote-withdraw"),
    path("scoring/", views.ScoringPolicyView.as_view(), name="policy"),
    path("scoring/recompute/", views.recompute_now, name="recompute"),
    path("", include("roadmap.betas.urls")),
    path("", include("roadmap.launches.urls")),
]
