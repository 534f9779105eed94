"""Reads of the core shared by pages: the inbox (a fixed number of queries per page)."""

from .models import InboxEntry

INBOX_PAGE = 50


def inbox_entries_for(user, *, unread_only: bool = False):
    entries = InboxEntry.objects.filter(user=user)
    if unread_only:
        entries = entries.unread()
    return entries.order_by("-created_at", "-id")


def inbox_latest_unread(user, *, limit: int = 5) -> list[InboxEntry]:
    return list(inbox_entries_for(user, unread_only=True)[:limit])
