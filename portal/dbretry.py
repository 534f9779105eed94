"""Retry a short transaction that PostgreSQL chose as a deadlock victim (SQLSTATE 40P01).

Two workers that lock rows of one table in different orders (a claim taking the head of an ordered
queue while another worker records the run it sent) can deadlock; PostgreSQL aborts one of them,
and the documented answer is to run that transaction again. Only a function that opens its own
transaction is retried: inside an outer ``atomic`` block the whole outer transaction is lost, so
the error goes up unchanged."""

import functools
import logging

from django.db import OperationalError, connection

logger = logging.getLogger(__name__)
DEADLOCK = "40P01"


def _is_deadlock(exc: OperationalError) -> bool:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) == DEADLOCK


def retry_on_deadlock(attempts: int = 3):
    def decorator(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(1, attempts + 1):
                outer = connection.in_atomic_block
                try:
                    return fn(*args, **kwargs)
                except OperationalError as exc:
                    if outer or attempt == attempts or not _is_deadlock(exc):
                        raise
                    logger.warning("%s: deadlock, attempt %s of %s", fn.__name__, attempt, attempts)
            raise AssertionError("unreachable")

        return wrapper

    return decorator
