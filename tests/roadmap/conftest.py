import pytest

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
