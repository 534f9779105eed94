"""Demand signals for roadmap items, from this app (votes) and later apps (feedback).

``roadmap`` never imports the apps that build on it, so they register their signals here, in
their ``AppConfig.ready()``::

    register_demand_source("feedback", lambda: TicketAccount.objects.annotate(...).values(...))

A source is a callable returning a QuerySet whose ``.values()`` rows have these columns:

- ``item_id``: the roadmap item;
- ``account_id``: the account the signal is on behalf of;
- ``level``: for votes the expected health impact (``none``/``low``/``medium``/``high``), for
  feedback the ticket's impact (``blocker``/``high``/``medium``/``low``);
- ``actor_id``: the user who cast the vote or filed/joined the ticket.

A change that alters demand calls :func:`roadmap.scoring.priorities_request` with the items it
touched. The priority engine combines all sources set-based (it may compile each QuerySet into one
SQL statement); ``signals_for_item`` is the small per-item read for pages such as beta candidates.
"""

from collections.abc import Callable

from django.db.models import QuerySet

DemandSource = Callable[[], QuerySet]
SIGNAL_COLUMNS = ("item_id", "account_id", "level", "actor_id")

_sources: dict[str, DemandSource] = {}


def register_demand_source(kind: str, source: DemandSource) -> None:
    """Register (or replace) the source of one kind of signal, e.g. ``"vote"``, ``"feedback"``."""
    _sources[kind] = source


def demand_sources() -> dict[str, DemandSource]:
    return dict(_sources)


def signals_for_item(item_id: int) -> list[dict]:
    """Every signal on one item, as dicts with ``kind`` and the SIGNAL_COLUMNS (one query a
    source)."""
    rows = []
    for kind, source in _sources.items():
        for row in source().filter(item_id=item_id).values(*SIGNAL_COLUMNS):
            rows.append({"kind": kind, **row})
    return rows
