from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import errorpages, views

handler500 = errorpages.server_error

api_v1 = [
    path("", include("portal.api.urls")),
    path("", include("roadmap.api.urls")),
    path("", include("feedback.api.urls")),
    path("", include("integrations.api.urls")),
    path("schema", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("favicon.ico", errorpages.favicon, name="favicon"),
    path("search/", views.search_view, name="search"),
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("inbox/read-all", views.inbox_mark_all_read_view, name="inbox-read-all"),
    path("inbox/<int:pk>/read", views.inbox_mark_read_view, name="inbox-read"),
    path("accounts/", views.AccountListView.as_view(), name="account-list"),
    path("accounts/picker", views.account_picker_options, name="account-picker"),
    path("accounts/<int:pk>/", views.AccountDetailView.as_view(), name="account-detail"),
    path("roadmap/", include("roadmap.urls")),
    path("feedback/", include("feedback.urls")),
    path("integrations/", include("integrations.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # The conventional addresses of the schema and its docs (the same views as /api/v1/…).
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema-alias"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs-alias",
    ),
]

# MEDIA_ROOT has no URL, not even with DEBUG on: uploads are served only by views that check who
# may see them (feedback:attachment), as downloads.
