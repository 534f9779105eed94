"""The core's home panel: the user's latest unread inbox entries (one query)."""

from .selectors import inbox_latest_unread


def inbox_panel(request, user) -> dict:
    return {"entries": inbox_latest_unread(user), "unread": user.inbox_unread}
