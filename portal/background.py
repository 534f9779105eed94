"""When background work runs: the one place that knows about Celery's eager mode.

Domain code never looks at ``CELERY_TASK_ALWAYS_EAGER``. It records what must happen (an outbox
row, a dirty flag) in its own transaction and calls :func:`nudge` with the periodic task that
does the work. In production the beat schedule runs that task within seconds and a web request
never talks to Redis (celery #4296, #6911); in the embedded default (eager Celery, no beat) the
task runs in-process right after the commit.
"""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


def nudge(task: str) -> None:
    """Have the periodic task at dotted path ``task`` run soon after the current commit."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: import_string(task).delay())
