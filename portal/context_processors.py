from .registry import nav_entries_for


def navigation(request):
    """The main menu, from the entries each app registered (``portal.registry``)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav_entries_for(user, path=request.path)}


def inbox(request):
    """The header's unread count: kept on the user row by the inbox services (no query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"inbox_unread": 0}
    return {"inbox_unread": user.inbox_unread}


def sign_in(request):
    """Whether the login page offers the company sign-in (OIDC configured)."""
    from django.conf import settings

    return {"oidc_enabled": bool(settings.OIDC_ISSUER)}
