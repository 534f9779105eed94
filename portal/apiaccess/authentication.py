"""API authentication besides the session: ``Token <key>`` (a person's named, expiring token, or
DRF's one token per user) and ``Bearer <access token>`` from the OAuth2 client-credentials
grant, which acts as its client's service user and only within the scope the view declares."""

from django.utils import timezone
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from . import services
from .models import ApiClient, ApiToken, token_digest
from .scopes import required_scope


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``: a token from the user's tokens page, else DRF's token."""

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=token_digest(key)).first()
        if token is None:
            return super().authenticate_credentials(key)
        if token.revoked_at is not None or token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed("This token has expired or was revoked.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        services.api_token_touch(token=token)
        return token.user, token


class ClientCredentialsAuthentication(OAuth2Authentication):
    """``Authorization: Bearer <token>`` from ``POST /o/token/`` (client credentials).

    The token's user is the client's service user (its role decides, as for a person), and the
    view must declare a scope the token holds: 403 naming the scope otherwise."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        client = (
            ApiClient.objects.select_related("service_user")
            .filter(application_id=token.application_id)
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed("This OAuth2 client is not registered.")
        user = user or client.service_user
        if not user.is_active:
            raise exceptions.AuthenticationFailed("The client's service user is inactive.")
        view = (getattr(request, "parser_context", None) or {}).get("view")
        needed = required_scope(view, request.method)
        if needed is None:
            raise exceptions.PermissionDenied("This operation is not open to OAuth2 clients.")
        if not token.allow_scopes([needed]):
            raise exceptions.PermissionDenied(f"This token's scopes do not include {needed}.")
        request.api_client = client
        services.api_client_touch(client=client)
        return user, token
