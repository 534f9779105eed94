import pytest
from django.db.models import Case, F, Value, When

from portal.models import Account
from roadmap import demand

from .factories import TicketSignal, create_ticket_signal_table, drop_ticket_signal_table


@pytest.fixture
def ticket_signals(db):
    """Register a "feedback" demand source backed by a table of ticket rows:
    ``add(item, account, level, actor=None)`` files one ticket."""
    saved = demand.demand_sources()
    create_ticket_signal_table()
    demand.register_demand_source("feedback", lambda: TicketSignal.objects.all())

    def add(item, account, level, actor=None):
        return TicketSignal.objects.create(
            item_id=item.pk,
            account_id=account.pk,
            level=level,
            actor_id=actor.pk if actor else None,
        )

    yield add
    demand._sources.clear()
    demand._sources.update(saved)
    drop_ticket_signal_table()


@pytest.fixture
def eager(settings):
    """The embedded default (no Redis): the recompute runs right after the commit."""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def demand_source():
    """Register a small test source of demand signals: ``add(item, account, kind, level)``.

    The source is a QuerySet over accounts annotated with the signal columns, like the real vote
    and feedback sources; it is removed again after the test."""
    saved = demand.demand_sources()
    signals: dict[str, list[tuple[int, int, str]]] = {}

    def source_for(kind):
        def source():
            rows = signals.get(kind, [])
            if not rows:
                return Account.objects.none().annotate(
                    item_id=Value(0), account_id=F("id"), level=Value(""), actor_id=F("csm_owner")
                )
            whens_item = [When(pk=a, then=Value(i)) for i, a, _ in rows]
            whens_level = [When(pk=a, then=Value(level)) for _, a, level in rows]
            return Account.objects.filter(pk__in=[a for _, a, _ in rows]).annotate(
                item_id=Case(*whens_item),
                account_id=F("id"),
                level=Case(*whens_level),
                actor_id=F("csm_owner"),
            )

        return source

    def add(item, account, kind, level):
        signals.setdefault(kind, []).append((item.pk, account.pk, level))
        demand.register_demand_source(kind, source_for(kind))

    yield add
    demand._sources.clear()
    demand._sources.update(saved)
