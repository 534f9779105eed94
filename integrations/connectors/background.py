"""Enqueue a connector task after the commit, named by its dotted path (as the beat schedule names
tasks): the modules that queue work never import ``tasks.py``, which imports them."""

from django.db import transaction
from django.utils.module_loading import import_string

TASKS = "integrations.connectors.tasks"


def task_on_commit(name: str, *args) -> None:
    """Send ``integrations.connectors.tasks.<name>(*args)`` once the current transaction commits."""
    transaction.on_commit(lambda: import_string(f"{TASKS}.{name}").delay(*args))


def task_on_commit_once(name: str) -> None:
    """Send ``integrations.connectors.tasks.<name>()`` once the current transaction commits, at
    most once per transaction however many times it is asked for (a relay of 200 events queues
    one send of the due deliveries, not 200)."""
    path = f"{TASKS}.{name}"
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "task_once", None) == path
        for _sids, func, _robust in connection.run_on_commit
    ):
        return

    def send() -> None:
        import_string(path).delay()

    send.task_once = path
    transaction.on_commit(send)
