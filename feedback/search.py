"""Similar-ticket search: PostgreSQL full-text search plus trigram similarity, or a simpler
word-overlap ranking on SQLite (the embedded default).

On PostgreSQL the migrations ``0002``/``0003`` enable ``pg_trgm`` and create GIN indexes on the
same ``to_tsvector`` expressions the queries use (title for similar tickets; title + description
for the triage search) and a trigram index on the title, so searching tens of thousands of
tickets stays an index scan.
"""

import re

from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce

from portal.models import Account

from .choices import TicketStatus

SIMILAR_LIMIT = 5
MIN_QUERY_LENGTH = 3
SEARCH_CONFIG = "english"
_STOPWORDS = (
    "a an and are as at be but by can for from has have in is it its not of on or our the "
    "their they this to was we when where which with without"
)
STOPWORDS = frozenset(_STOPWORDS.split())


def title_search_vector():
    from django.contrib.postgres.search import SearchVector

    # Keep in step with the index built in migration 0003 (same expression, same compiler).
    return SearchVector("title", config=SEARCH_CONFIG)


def ticket_search_vector():
    from django.contrib.postgres.search import SearchVector

    # Keep in step with the index built in migration 0002 (same expression, same compiler).
    return SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
        "description", weight="B", config=SEARCH_CONFIG
    )


def words(text: str) -> list[str]:
    found = [w for w in re.findall(r"\w+", text.lower()) if len(w) > 2 and w not in STOPWORDS]
    return list(dict.fromkeys(found))[:8]


def similar_tickets(queryset: QuerySet, text: str, *, limit: int = SIMILAR_LIMIT) -> list:
    """The tickets most like ``text`` (a title being typed), best first; duplicates excluded."""
    text = (text or "").strip()
    if len(text) < MIN_QUERY_LENGTH:
        return []
    queryset = queryset.exclude(status=TicketStatus.DUPLICATE)
    if connection.vendor == "postgresql":
        ranked = _rank_postgres(queryset, text)
    else:
        ranked = _rank_simple(queryset, text)
    return list(ranked[:limit]) if ranked is not None else []


def filter_text(queryset: QuerySet, text: str) -> QuerySet:
    """The triage list's text search: the same matching, without the ranking order."""
    text = (text or "").strip()
    if not text:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
        # The matching accounts as a list of ids (not a subquery), and the vector as an alias
        # (never selected): each branch of the OR is then an index scan PostgreSQL can combine.
        accounts = list(
            Account.objects.filter(name__icontains=text).values_list("pk", flat=True)[:1000]
        )
        return queryset.alias(search=ticket_search_vector()).filter(
            Q(search=query) | Q(title__trigram_word_similar=text) | Q(account_id__in=accounts)
        )
    condition = Q(account__name__icontains=text)
    for word in words(text) or [text]:
        condition |= Q(title__icontains=word) | Q(description__icontains=word)
    return queryset.filter(condition)


def _rank_postgres(queryset: QuerySet, text: str) -> QuerySet:
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

    terms = words(text)
    # Any of the words may match while the title is still being typed ("export csv" ~ "CSV
    # export for reports"); the rank then prefers tickets matching more of them.
    query = (
        SearchQuery(" OR ".join(terms), search_type="websearch", config=SEARCH_CONFIG)
        if terms
        else SearchQuery(text, config=SEARCH_CONFIG)
    )
    # The title only: matching "while typing the title" against short, indexed titles keeps the
    # ranking cheap even when a common word matches thousands of tickets.
    vector = title_search_vector()
    return (
        queryset.alias(search=vector)
        .annotate(
            text_rank=SearchRank(vector, query),
            trigram=TrigramWordSimilarity(text, "title"),
        )
        .filter(Q(search=query) | Q(title__trigram_word_similar=text))
        .annotate(similarity=F("text_rank") + F("trigram"))
        .order_by("-similarity", "-created_at")
    )


def _rank_simple(queryset: QuerySet, text: str) -> QuerySet | None:
    terms = words(text)
    if not terms:
        return None
    condition = Q()
    score = Value(0)
    for term in terms:
        condition |= Q(title__icontains=term) | Q(description__icontains=term)
        score = (
            score
            + Case(When(title__icontains=term, then=Value(3)), default=Value(0))
            + Case(When(description__icontains=term, then=Value(1)), default=Value(0))
        )
    return (
        queryset.filter(condition)
        .annotate(similarity=Coalesce(score, Value(0), output_field=IntegerField()))
        .order_by("-similarity", "-created_at")
    )


SUGGESTED_ITEMS = 3


def suggested_duplicates(ticket, *, limit: int = SIMILAR_LIMIT) -> list:
    """Open tickets most like ``ticket`` (the similar-ticket search on its title), itself and
    tickets already merged into it left out: the triage panel's "merge into" suggestions."""
    from .choices import OPEN_STATUSES
    from .models import FeedbackTicket

    queryset = (
        FeedbackTicket.objects.for_lists()
        .filter(status__in=OPEN_STATUSES)
        .exclude(pk=ticket.pk)
        .exclude(duplicate_of=ticket)
    )
    return similar_tickets(queryset, ticket.title, limit=limit)


def suggested_items(ticket, *, limit: int = SUGGESTED_ITEMS) -> list:
    """Open roadmap items the ticket may belong to, best first: items whose title shares words
    with the ticket's title (full-text and trigram on PostgreSQL, word overlap on SQLite), an
    item in the ticket's product area ranked higher. The item it is linked to is left out."""
    from roadmap.choices import OPEN_STATUSES as ITEM_OPEN
    from roadmap.models import RoadmapItem

    terms = words(ticket.title)
    if not terms:
        return []
    items = RoadmapItem.objects.filter(status__in=ITEM_OPEN)
    if ticket.roadmap_item_id:
        items = items.exclude(pk=ticket.roadmap_item_id)
    area = (ticket.product_area or "").strip()
    same_area = (
        Case(
            When(product_area__iexact=area, then=Value(1.0)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        if area
        else Value(0.0, output_field=FloatField())
    )
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import (
            SearchQuery,
            SearchRank,
            SearchVector,
            TrigramWordSimilarity,
        )

        query = SearchQuery(" OR ".join(terms), search_type="websearch", config=SEARCH_CONFIG)
        vector = SearchVector("title", config=SEARCH_CONFIG)
        ranked = (
            items.alias(search=vector)
            .annotate(
                text_rank=SearchRank(vector, query),
                trigram=TrigramWordSimilarity(ticket.title, "title"),
                area_match=same_area,
            )
            .filter(Q(search=query) | Q(trigram__gte=0.3))
            .annotate(fit=F("text_rank") + F("trigram") + F("area_match") * 0.2)
        )
    else:
        condition = Q()
        score = Value(0.0)
        for term in terms:
            condition |= Q(title__icontains=term)
            score = score + Case(When(title__icontains=term, then=Value(1.0)), default=Value(0.0))
        ranked = items.filter(condition).annotate(area_match=same_area, words_matched=score)
        ranked = ranked.annotate(fit=F("words_matched") + F("area_match") * 0.2)
    return list(ranked.order_by("-fit", F("rank").asc(nulls_last=True), "id")[:limit])
