"""Use cases that change API access: a person's tokens, an OAuth2 client's registration and the
"last used" stamps (written at most once a minute per token or client)."""

import datetime as dt
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import TOKEN_PREFIX_LENGTH, ApiClient, ApiToken, token_digest
from .scopes import SCOPES

MAX_TOKEN_DAYS = 366
TOUCH_EVERY = dt.timedelta(minutes=1)


@transaction.atomic
def api_token_create(*, user, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``user`` valid for ``days``; returns it with its key (shown once)."""
    if not isinstance(days, int) or not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": f"Choose between 1 and {MAX_TOKEN_DAYS} days."})
    key = secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=(name or "").strip(),
        prefix=key[:TOKEN_PREFIX_LENGTH],
        digest=token_digest(key),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token._history_user = user
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor) -> ApiToken:
    """Revoke a token: its owner (or an admin who may change tokens) only."""
    if token.user_id != actor.pk and not actor.has_perm("portal.change_apitoken"):
        raise PermissionDenied("You can revoke only your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token._history_user = actor
        token.save(update_fields=["revoked_at"])
    return token


def api_token_touch(*, token: ApiToken) -> None:
    now = timezone.now()
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY), pk=token.pk
    ).update(last_used_at=now)


def api_client_touch(*, client: ApiClient) -> None:
    now = timezone.now()
    ApiClient.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY), pk=client.pk
    ).update(last_used_at=now)


@transaction.atomic
def api_client_save(*, client: ApiClient, actor=None) -> ApiClient:
    """Register or change an OAuth2 client (Django admin): known scopes only, a service user."""
    unknown = sorted(set(client.scopes or []) - set(SCOPES))
    if not isinstance(client.scopes, list) or unknown:
        raise ValidationError({"scopes": f"Unknown scopes: {', '.join(unknown) or client.scopes}."})
    if client.throttle_rate:
        try:
            num, per = client.throttle_rate.split("/")
            valid = int(num) > 0 and per[:1] in {"s", "m", "h", "d"}
        except ValueError:
            valid = False
        if not valid:
            raise ValidationError({"throttle_rate": "Write a rate like 600/min or 10/s."})
    client.full_clean()
    if actor is not None:
        client._history_user = actor
    client.save()
    return client
