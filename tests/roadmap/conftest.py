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
def worker():
    """A real Celery worker process on the test database (PostgreSQL) and the Redis broker."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    from urllib.parse import quote

    from django.conf import settings
    from django.db import connection

    db = connection.settings_dict
    auth = db["USER"] + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-l",
            "warning",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture
def eager(settings):
    """The embedded default (no Redis): the recompute runs right after the commit."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
