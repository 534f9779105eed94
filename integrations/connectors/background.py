"""Enqueue a connector task after the commit, named by its dotted path (as the beat schedule names
tasks): the modules that queue work never import ``tasks.py``, which imports them."""

from django.db import transaction
from django.utils.module_loading import import_string

TASKS = "integrations.connectors.tasks"


def task_on_commit(name: str, *args) -> None:
    """Send ``integrations.connectors.tasks.<name>(*args)`` once the current transaction commits."""
    transaction.on_commit(lambda: import_string(f"{TASKS}.{name}").delay(*args))
