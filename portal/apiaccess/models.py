"""Who calls the API besides a signed-in browser: a person's own API tokens (for scripts, with an
expiry) and the OAuth2 clients of other systems (client credentials, acting for a service user).
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

TOKEN_PREFIX_LENGTH = 8


def token_digest(key: str) -> str:
    """Tokens are kept as their SHA-256: the database never holds one that works."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, user__is_active=True)


class ApiToken(models.Model):
    """A person's named API token (``Authorization: Token <key>``): it acts as its owner, with
    the owner's role, until it expires or the owner revokes it. The key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80, help_text="What the token is for, e.g. 'weekly export'.")
    prefix = models.CharField(max_length=TOKEN_PREFIX_LENGTH, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["last_used_at"])
    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class ApiClient(models.Model):
    """An OAuth2 client of another system (django-oauth-toolkit's ``Application`` with the
    client-credentials grant): the scopes it may ask for, the service user it acts for (whose
    role decides what it may do), its own throttle rate, and when it was last used."""

    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    service_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_clients",
        help_text="The client acts as this user, with this user's role.",
    )
    scopes = models.JSONField(
        default=list, blank=True, help_text="Scopes the client may ask for (see docs/api.md)."
    )
    throttle_rate = models.CharField(
        max_length=20,
        blank=True,
        help_text="Requests per period, e.g. 600/min; empty: API_THROTTLE_CLIENT.",
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["application__name"]

    def __str__(self) -> str:
        return self.application.name
