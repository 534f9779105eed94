"""What each app adds to the shared pages: menu entries and panels on other apps' pages.

Lower apps never name a higher app's URLs or templates. Each app registers, in its
``AppConfig.ready()``, the menu entries it owns and the panels it contributes to a page of
another app, and the host page renders whatever is registered::

    register_nav(NavEntry("Triage", "feedback:triage", "feedback.triage_feedbackticket", 30))
    register_panel("roadmap_item", Panel("feedback/panels/item_tickets.html", VIEW_TICKETS, 20))

A host template shows a slot with ``{% panels "roadmap_item" item %}`` (``portal_tags``): each
panel's template is rendered with ``object`` (the page's object), ``user``, ``request`` and what
its ``context(request, obj)`` callable returns. The home page is the slot ``home`` (object: the
user), so each app puts what needs the user on it. A ``cached`` panel is rendered at most once in
``settings.PANEL_CACHE_SECONDS`` per user and object (``panel_cache_key``) and says how fresh it is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    """One entry of the main menu, shown to users holding ``perm`` (``None``: everyone)."""

    label: str
    url_name: str
    perm: str | None = None
    order: int = 100


@dataclass(frozen=True)
class Panel:
    """A fragment another app contributes to a host page's slot. ``context(request, obj)``, when
    given, returns what the template needs (a selector call: keep its query count constant)."""

    template: str
    perm: str | None = None
    order: int = 100
    context: Callable[..., dict] | None = None
    # Reuse the rendered panel for the same user and object for ``settings.PANEL_CACHE_SECONDS``:
    # for what is expensive and changes slowly. The template gets ``as_of`` (when it was
    # computed) and ``cache_seconds`` to say how fresh it is (``portal/partials/as_of.html``).
    # Never for a panel with a form (its CSRF token) or "since your last visit" content.
    cached: bool = False


_nav: dict[str, NavEntry] = {}
_panels: dict[str, dict[str, Panel]] = {}


def register_nav(entry: NavEntry) -> None:
    _nav[entry.url_name] = entry


def register_panel(slot: str, panel: Panel) -> None:
    _panels.setdefault(slot, {})[panel.template] = panel


def nav_entries_for(user, *, path: str = "") -> list[dict]:
    """The menu for ``user``: label, url and whether it is the current page."""
    entries = []
    for entry in sorted(_nav.values(), key=lambda e: (e.order, e.label)):
        if entry.perm and not user.has_perm(entry.perm):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        entries.append({"label": entry.label, "url": url, "active": path == url})
    return entries


def panels_for(slot: str, user) -> list[Panel]:
    panels = sorted(_panels.get(slot, {}).values(), key=lambda p: (p.order, p.template))
    return [p for p in panels if not p.perm or user.has_perm(p.perm)]


PANEL_CACHE_VERSION = 1


def panel_cache_key(panel: Panel, user, obj) -> str:
    """One rendered copy per panel, user and object (another user never sees it)."""
    obj_key = f"{obj._meta.label_lower}:{obj.pk}" if hasattr(obj, "_meta") else str(obj)
    user_id = getattr(user, "pk", None)
    return f"panel:v{PANEL_CACHE_VERSION}:{panel.template}:{user_id}:{obj_key}"
