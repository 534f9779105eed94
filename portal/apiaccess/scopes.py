"""OAuth2 scopes: what a client-credentials token may be used for, on top of its service user's
role. Every API view declares its scope (``oauth_scope``: the resource, read for GET/HEAD and
write otherwise; or ``oauth_scopes``: by HTTP method or viewset action). A view that declares
none is closed to OAuth2 tokens (people's sessions and tokens are not scoped)."""

SCOPES = {
    "accounts:read": "Read customer accounts.",
    "feedback:read": "Read feedback tickets and their status.",
    "feedback:write": "Submit feedback (and triage, for a PM service user).",
    "roadmap:read": "Read roadmap items, scores and ranks.",
    "roadmap:write": "Create, edit and move roadmap items.",
    "roadmap:vote": "Cast and withdraw votes on behalf of accounts.",
    "beta:read": "Read beta programs, participants and eligibility.",
    "beta:write": "Create and edit beta programs, nominate and move participants.",
    "launch:read": "Read launch plans and milestones.",
    "launch:write": "Create launch plans, move dates, add, move and tick milestones.",
    "adoption:read": "Read feature adoption and usage.",
    "adoption:write": "Ask for adoption recommendations.",
    "integrations:read": "Read integration maps, connections, sync runs and deliveries.",
    "integrations:write": "Tick criteria, import maps, edit connections, sync, redeliver.",
}

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def required_scope(view, method: str) -> str | None:
    """The scope ``view`` asks of an OAuth2 token for ``method`` (``None``: closed to them)."""
    by_name = getattr(view, "oauth_scopes", None) or {}
    action = getattr(view, "action", None)
    if action and action in by_name:
        return by_name[action]
    if method in by_name:
        return by_name[method]
    resource = getattr(view, "oauth_scope", None)
    if resource is None:
        return None
    return f"{resource}:{'read' if method in SAFE_METHODS else 'write'}"


class ClientScopes:
    """django-oauth-toolkit's scopes backend: a client may ask for the scopes its registration
    (``ApiClient.scopes``) lists, and gets them all when it names none."""

    def get_all_scopes(self):
        return dict(SCOPES)

    def _client_scopes(self, application) -> list[str]:
        client = getattr(application, "api_client", None) if application else None
        return [s for s in (client.scopes if client else []) if s in SCOPES]

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return self._client_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self._client_scopes(application)
