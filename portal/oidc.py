"""Sign-in with the company's identity provider (OpenID Connect, mozilla-django-oidc) when
``OIDC_ISSUER`` is set; the password login stays (the embedded default and the demo use it).

The provider's endpoints come from its discovery document (``<issuer>/.well-known/
openid-configuration``, fetched on first use and kept for the process; a failure is remembered
for a minute so the password login never waits on a provider that is down). The role comes from
a group claim (``OIDC_GROUPS_CLAIM``, mapped by ``OIDC_ROLE_GROUPS``): a person whose claims
name no portal role is refused, and each sign-in brings the roles up to date.
"""

import logging
import time

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import redirect
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .choices import Role
from .services import user_sync_from_identity

logger = logging.getLogger(__name__)

DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
RETRY_AFTER_FAILURE = 60.0
_documents: dict[str, dict] = {}
_failed_at: dict[str, float] = {}


class ProviderUnavailable(Exception):
    pass


def discovery(issuer: str) -> dict:
    """The provider's discovery document (its issuer must be the one configured)."""
    if issuer in _documents:
        return _documents[issuer]
    if time.monotonic() - _failed_at.get(issuer, -RETRY_AFTER_FAILURE) < RETRY_AFTER_FAILURE:
        raise ProviderUnavailable(f"{issuer} did not answer a moment ago")
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
        if document.get("issuer", "").rstrip("/") != issuer.rstrip("/"):
            raise ValueError(f"the document names issuer {document.get('issuer')!r}")
        missing = [key for key in DISCOVERED.values() if not document.get(key)]
        if missing:
            raise ValueError(f"the document has no {', '.join(missing)}")
    except (requests.RequestException, ValueError) as exc:
        _failed_at[issuer] = time.monotonic()
        logger.warning("OIDC discovery at %s failed: %s", url, exc)
        raise ProviderUnavailable(str(exc)) from exc
    _documents[issuer] = document
    return document


def oidc_setting(attr, *default):
    if attr in DISCOVERED:
        return discovery(settings.OIDC_ISSUER)[DISCOVERED[attr]]
    return import_from_settings(attr, *default)


def roles_from_claims(claims: dict) -> list[str]:
    """The portal roles named by the group claim (``OIDC_ROLE_GROUPS``: role → group name)."""
    groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
    if isinstance(groups, str):
        groups = [groups]
    wanted = settings.OIDC_ROLE_GROUPS
    return [role for role in Role.values if wanted.get(role, role) in groups]


class PortalOIDCBackend(OIDCAuthenticationBackend):
    """Finds the person by e-mail (or creates them) and sets their roles from the claims."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        self.available = bool(settings.OIDC_ISSUER)
        if not self.available:
            return
        try:
            super().__init__(*args, **kwargs)
        except ProviderUnavailable:
            self.available = False

    def authenticate(self, request, **kwargs):
        if not self.available:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException) as exc:
            # A token that fails its checks, or a provider that fails mid-way: no sign-in (the
            # callback sends the person back to the login page with a message).
            logger.warning("OIDC sign-in refused: %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        # mozilla-django-oidc checks the signature and the nonce; the issuer and the audience
        # are checked here (a token the provider issued to another client is refused).
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if str(payload.get("iss", "")).rstrip("/") != settings.OIDC_ISSUER.rstrip("/"):
            raise SuspiciousOperation("The ID token was issued by another provider.")
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued to another client.")
        return payload

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("email")) and bool(roles_from_claims(claims))

    def create_user(self, claims):
        return user_sync_from_identity(user=None, **self._identity(claims))

    def update_user(self, user, claims):
        return user_sync_from_identity(user=user, **self._identity(claims))

    def _identity(self, claims) -> dict:
        return {
            "email": claims["email"],
            "username": claims.get("preferred_username") or claims["email"],
            "first_name": claims.get("given_name", ""),
            "last_name": claims.get("family_name", ""),
            "roles": roles_from_claims(claims),
        }


class PortalAuthenticationRequestView(OIDCAuthenticationRequestView):
    """``/oidc/authenticate/``: off the provider (404) unless configured; a provider that does
    not answer sends the person back to the password login with a message."""

    get_settings = staticmethod(oidc_setting)

    def __init__(self, *args, **kwargs):
        self._unavailable = None
        if settings.OIDC_ISSUER:
            try:
                super().__init__(*args, **kwargs)
            except ProviderUnavailable as exc:
                self._unavailable = exc

    def get(self, request):
        if not settings.OIDC_ISSUER:
            raise Http404("Single sign-on is not configured.")
        if self._unavailable is not None:
            messages.error(request, "The company sign-in does not answer; log in with a password.")
            return redirect("login")
        return super().get(request)


class PortalAuthenticationCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not settings.OIDC_ISSUER:
            raise Http404("Single sign-on is not configured.")
        return super().get(request)

    def login_failure(self):
        messages.error(
            self.request,
            "The company sign-in did not let you in (or your account has no portal role).",
        )
        return redirect("login")
