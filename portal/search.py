"""The header search ("Find anything", key ``/``): one box over every kind of thing the apps
register, grouped by kind, limited to what the user's role may see.

The core knows no app: each app registers a ``SearchKind`` in its ``AppConfig.ready()`` with the
permission that shows the kind and a ``find(user, text, limit)`` that answers in one query, so a
search costs one query per kind the user may see, whatever the data size. Matching is
``text_matches``: PostgreSQL full-text search plus trigram word similarity (as the similar-ticket
search does), plain word matching on SQLite.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When

SEARCH_CONFIG = "english"
MIN_LENGTH = 2
GROUP_LIMIT = 8


@dataclass
class Hit:
    """One result: what it is called, where it lives, one line of facts."""

    title: str
    url: str
    meta: str = ""
    badge: str = ""


@dataclass(frozen=True)
class SearchKind:
    key: str
    label: str
    perm: str | None
    order: int
    find: Callable[..., Sequence[Hit]]  # find(user, text, limit) -> up to limit hits
    more_url: Callable[[str], str] | None = None  # the kind's own list filtered by the text


_kinds: dict[str, SearchKind] = {}


def register_search_kind(kind: SearchKind) -> None:
    _kinds[kind.key] = kind


def kinds_for(user) -> list[SearchKind]:
    return [
        kind
        for kind in sorted(_kinds.values(), key=lambda k: (k.order, k.label))
        if kind.perm is None or user.has_perm(kind.perm)
    ]


def search_everything(user, text: str, *, limit: int = GROUP_LIMIT) -> list[dict]:
    """Groups in the registered order; each with up to ``limit`` hits and whether there are more."""
    text = (text or "").strip()[:200]
    if len(text) < MIN_LENGTH:
        return []
    groups = []
    for kind in kinds_for(user):
        hits = list(kind.find(user, text, limit + 1))
        groups.append(
            {
                "key": kind.key,
                "label": kind.label,
                "hits": hits[:limit],
                "has_more": len(hits) > limit,
                "more_url": kind.more_url(text) if kind.more_url and hits else "",
            }
        )
    return groups


def words(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in re.findall(r"\w+", text.lower()) if len(w) > 1))[:8]


def text_matches(
    queryset: QuerySet,
    text: str,
    *,
    title: str,
    fields: Sequence[str] = (),
    exact: Sequence[str] = (),
) -> QuerySet:
    """``queryset`` narrowed to rows matching ``text`` and ordered best first.

    ``title`` is the name field (full text and trigram), ``fields`` more text searched in full
    text, ``exact`` codes matched as typed (a CRM id, a point code like ``1.1.2``, a Jira key)."""
    exact_match = Q()
    for name in exact:
        exact_match |= Q(**{f"{name}__iexact": text})
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
            TrigramWordSimilarity,
        )

        vector = SearchVector(title, weight="A", config=SEARCH_CONFIG)
        for name in fields:
            vector = vector + SearchVector(name, weight="B", config=SEARCH_CONFIG)
        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        rank = SearchRank(vector, query) + TrigramWordSimilarity(text, title)
        if exact:
            rank = rank + Case(When(exact_match, then=Value(2.0)), default=Value(0.0))
        return (
            queryset.alias(search=vector)
            .annotate(hit_rank=rank)
            .filter(
                Q(search=query)
                | Q(**{f"{title}__trigram_word_similar": text})
                | Q(**{f"{title}__icontains": text})
                | exact_match
            )
            .order_by("-hit_rank", title)
        )
    terms = words(text) or [text.lower()]
    condition = Q(**{f"{title}__icontains": text}) | exact_match
    for term in terms:
        for name in (title, *fields):
            condition |= Q(**{f"{name}__icontains": term})
    score = Case(When(**{f"{title}__icontains": text}, then=Value(2.0)), default=Value(0.0))
    for term in terms:
        score = score + Case(
            When(**{f"{title}__icontains": term}, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    return queryset.filter(condition).annotate(hit_rank=score).order_by(F("hit_rank").desc(), title)
