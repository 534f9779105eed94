"""Board cards as cached HTML fragments.

A board shows up to 4 × ``BOARD_COLUMN_SIZE`` cards; rendering each through the template engine
was most of the board's time (``docs/benchmarks.md``). Each card's fragment is cached under a key
made from everything the card shows (its facts, title, area, status, trend line, whether the
viewer may move it and where a move returns to), so a fragment can never be stale: a recompute,
an edit or a move changes the key. One ``get_many`` fetches the cached cards, the missing ones are
rendered and stored with one ``set_many``. The CSRF field differs per session, so the fragment
holds a placeholder that is replaced per request.
"""

import hashlib

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .choices import ItemStatus

CARD_TEMPLATE = "roadmap/partials/card.html"
CARD_TTL = 24 * 3600
CSRF_PLACEHOLDER = "\x00csrf\x00"
# Bump when card.html changes, so fragments of the old template are not served.
TEMPLATE_VERSION = "3"


def card_urls() -> dict[str, str]:
    """The two per-card URL patterns, reversed once per board instead of twice per card."""
    return {
        "detail": reverse("roadmap:item-detail", args=[0]).replace("/0/", "/{}/"),
        "move": reverse("roadmap:item-move", args=[0]).replace("/0/", "/{}/"),
    }


def move_options() -> dict[str, str]:
    """The "Move to" ``<option>`` list for a card in each status (built once per board)."""
    return {
        status: mark_safe(  # noqa: S308 - built with format_html from our own choices
            "".join(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    value,
                    mark_safe(" selected") if value == status else "",
                    label,
                )
                for value, label in ItemStatus.choices
            )
        )
        for status in ItemStatus.values
    }


def _key(item, *, can_move: bool, next_url: str) -> str:
    f = item.facts
    parts = (
        TEMPLATE_VERSION,
        item.pk,
        item.title,
        item.product_area,
        item.status,
        f["rank"],
        f["score"],
        f["votes"],
        f["accounts"],
        f["arr"],
        f["scored"],
        f["consensus"],
        f["reps"],
        ",".join(f"{v:.4f}" for v in item.trend),
        can_move,
        next_url if can_move else "",
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"roadmap-card:{digest}"


def render_cards(items: list, *, request, can_move: bool, next_url: str) -> None:
    """Give each item ``card_html`` (its board card), from the cache where possible."""
    if not items:
        return
    keys = {item.pk: _key(item, can_move=can_move, next_url=next_url) for item in items}
    cached = cache.get_many(list(keys.values()))
    missing = [item for item in items if keys[item.pk] not in cached]
    if missing:
        template = get_template(CARD_TEMPLATE)
        options = move_options()
        fresh = {}
        for item in missing:
            html = template.render(
                {
                    "item": item,
                    "f": item.facts,
                    "can_move": can_move,
                    "next_url": next_url,
                    "move_options": options[item.status],
                    "csrf_field": mark_safe(CSRF_PLACEHOLDER),  # noqa: S308
                }
            )
            fresh[keys[item.pk]] = html
        cache.set_many(fresh, CARD_TTL)
        cached.update(fresh)
    field = ""
    if can_move:
        field = format_html(
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
        )
    for item in items:
        item.card_html = mark_safe(cached[keys[item.pk]].replace(CSRF_PLACEHOLDER, field))  # noqa: S308
