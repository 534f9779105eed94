"""Per-client API throttles: each OAuth2 client, each personal token and each DRF token has its
own budget (``API_THROTTLE_CLIENT``, or the client's own ``throttle_rate``). DRF answers 429
with ``Retry-After`` in seconds."""

from oauth2_provider.models import AccessToken
from rest_framework.authtoken.models import Token
from rest_framework.throttling import SimpleRateThrottle

from .models import ApiToken


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def allow_request(self, request, view):
        client = getattr(request, "api_client", None)
        if client is not None and client.throttle_rate:
            self.rate = client.throttle_rate
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        auth = request.auth
        if isinstance(auth, AccessToken):
            ident = f"oauth-{auth.application_id}"
        elif isinstance(auth, ApiToken):
            ident = f"apitoken-{auth.pk}"
        elif isinstance(auth, Token):
            ident = f"token-{auth.user_id}"
        else:
            return None  # a browser session: the per-user throttle applies
        return self.cache_format % {"scope": self.scope, "ident": ident}
