"""The request id of the work in progress: set by the request middleware (from ``X-Request-ID``
or new), carried in the headers of every task the request enqueues, and set again while that
task runs, so a request and the tasks it caused share one id in the logs."""

import contextvars
import re
import uuid

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def new_request_id(incoming: str | None = None) -> str:
    """An incoming ``X-Request-ID`` when it looks like one (a proxy's), else a fresh one."""
    if incoming and _ACCEPTED.match(incoming):
        return incoming
    return uuid.uuid4().hex


def current_request_id() -> str:
    return request_id_var.get()
