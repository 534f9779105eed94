from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from oauth2_provider import views as oauth2_views

from . import errorpages, health, oidc, views
from .api.views import ApiNotFoundView
from .apiaccess import views as apiaccess_views
from .observability import views as observability_views

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
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
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
    path("me/tokens/", apiaccess_views.api_tokens, name="api-tokens"),
    path("me/tokens/<int:pk>/revoke", apiaccess_views.api_token_revoke, name="api-token-revoke"),
    # OAuth2 client credentials for other systems: the client authenticates itself here.
    path("o/token/", login_not_required(oauth2_views.TokenView.as_view()), name="oauth2-token"),
    path(
        "o/revoke_token/",
        login_not_required(oauth2_views.RevokeTokenView.as_view()),
        name="oauth2-revoke-token",
    ),
    # Sign-in with the company's identity provider (404 unless OIDC_ISSUER is set).
    path(
        "oidc/authenticate/",
        login_not_required(oidc.PortalAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "oidc/callback/",
        login_not_required(oidc.PortalAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
    path("metrics", observability_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    re_path(r"^api/v1/", ApiNotFoundView.as_view(), name="api-not-found"),
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
