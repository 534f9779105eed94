"""Celery signals: a task enqueued during a request carries its request id (a message header)
and runs under it; each task run writes one JSON log line and counts its outcome."""

import logging
import time

from celery import signals

from .context import current_request_id, new_request_id, request_id_var
from .metrics import TASKS

logger = logging.getLogger("portal.task")
_running: dict[str, tuple] = {}


@signals.before_task_publish.connect
def _carry_request_id(headers=None, **kwargs):
    if headers is not None and not headers.get("request_id"):
        headers["request_id"] = current_request_id() or new_request_id()


@signals.task_prerun.connect
def _task_started(task_id=None, task=None, **kwargs):
    incoming = None
    if task is not None:
        headers = getattr(task.request, "headers", None) or {}
        incoming = getattr(task.request, "request_id", None) or headers.get("request_id")
    # An eager task runs inside the request: it keeps the request's id.
    request_id = incoming or current_request_id() or new_request_id()
    _running[task_id] = (request_id_var.set(request_id), time.perf_counter(), request_id)


@signals.task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **kwargs):
    token, started, request_id = _running.pop(task_id, (None, time.perf_counter(), ""))
    name = getattr(task, "name", "?")
    TASKS.labels(task=name, state=state or "UNKNOWN").inc()
    logger.info(
        "task %s %s",
        name,
        state,
        extra={
            "request_id": request_id,
            "task": name,
            "task_id": task_id,
            "state": state,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    if token is not None:
        request_id_var.reset(token)


@signals.setup_logging.connect
def _keep_django_logging(**kwargs):
    """Workers log through Django's LOGGING (JSON lines with the request id), not Celery's own
    format: connecting this signal tells Celery to leave logging alone."""
