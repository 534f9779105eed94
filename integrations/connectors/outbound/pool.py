"""The delivery pool: one process-wide set of sending threads and, per target (scheme, host and
port), one HTTP session whose connections are kept alive and reused, with at most
``CONNECTOR_DELIVERY_CONCURRENCY`` requests in flight to that target at a time.

The pool only sends. Threads never touch the database: the caller (``deliveries.py``) claims the
rows, hands the pool ready-made sends (a client and its event) and records the outcomes from its
own thread, in bulk, through the delivery service.
"""

import logging
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from http import cookiejar
from urllib.parse import urlsplit

import requests
from django.conf import settings
from urllib3.util.retry import Retry

from portal.netguard import GuardedAdapter

from ..transport import TransportError

logger = logging.getLogger(__name__)


def target_of(url: str) -> str:
    """The origin a request goes to: what connections are pooled and concurrency is bounded by."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


@dataclass
class Outcome:
    """What became of one delivery: ``status`` (HTTP) when delivered, ``error`` when not;
    ``attempted`` is false for the rest of an ordered run that stopped at an earlier failure."""

    delivery: object
    status: int | None = None
    error: TransportError | None = None
    attempted: bool = True


@dataclass
class Send:
    """One unit of work for a target: one delivery, or an ordered run of deliveries of one
    connection sent one after the other on one connection, stopping at the first failure."""

    target: str
    deliveries: list
    send: Callable[[object], int]  # delivery → HTTP status, or raises TransportError
    ordered: bool = False

    def run(self) -> list[Outcome]:
        outcomes = []
        for n, delivery in enumerate(self.deliveries):
            try:
                outcomes.append(Outcome(delivery, status=self.send(delivery)))
            except TransportError as exc:
                outcomes.append(Outcome(delivery, error=exc))
            except requests.RequestException as exc:  # a URL requests cannot use at all
                outcomes.append(Outcome(delivery, error=TransportError(str(exc), permanent=True)))
            except Exception as exc:  # a bug must not lose the delivery: retried, then dead
                logger.exception("delivery %s failed unexpectedly", getattr(delivery, "pk", None))
                outcomes.append(Outcome(delivery, error=TransportError(f"{type(exc).__name__}")))
            if self.ordered and outcomes[-1].error is not None:
                outcomes += [Outcome(d, attempted=False) for d in self.deliveries[n + 1 :]]
                break
        return outcomes


class DeliveryPool:
    """Process-wide: sending threads, a session per target and a slot count per target."""

    def __init__(self, *, workers: int, per_target: int):
        self.workers = workers
        self.per_target = per_target
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="delivery")
        self._sessions: dict[str, requests.Session] = {}
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def session(self, target: str) -> requests.Session:
        """The kept-alive session of a target (created on first use)."""
        with self._lock:
            session = self._sessions.get(target)
            if session is None:
                session = self._sessions[target] = self._new_session()
            return session

    def _new_session(self) -> requests.Session:
        """Like every connector call, through the outbound rules (``portal.netguard``): sockets
        connect only to checked addresses, after DNS, and no proxy from the environment; the
        transport checks each URL's form and follows no redirect."""
        session = requests.Session()
        session.trust_env = False
        # Only a connection that was never established is retried here (the request never
        # left); anything later is the delivery's own retry with backoff, so nothing is sent twice
        # by the transport.
        retries = Retry(total=1, connect=1, read=False, status=False, redirect=False, other=0)
        adapter = GuardedAdapter(
            pool_connections=1, pool_maxsize=self.per_target, max_retries=retries
        )
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.cookies.set_policy(cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        return session

    def slot(self, target: str) -> threading.BoundedSemaphore:
        """The target's concurrency bound (``with pool.slot(t):`` to send outside a dispatch)."""
        with self._lock:
            slot = self._slots.get(target)
            if slot is None:
                slot = self._slots[target] = threading.BoundedSemaphore(self.per_target)
            return slot

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        for session in self._sessions.values():
            session.close()


class Dispatch:
    """One caller's sends: queued per target, started while the target has a free slot (its
    concurrency bound, shared with every other dispatch in the process), collected as they end."""

    def __init__(self, pool: DeliveryPool):
        self.pool = pool
        self.queued: dict[str, deque[Send]] = defaultdict(deque)
        self.running: dict[Future, Send] = {}
        self.outstanding: dict[str, int] = defaultdict(int)  # per target: queued + running

    def put(self, send: Send) -> None:
        self.queued[send.target].append(send)
        self.outstanding[send.target] += len(send.deliveries)
        self._start()

    def _start(self) -> None:
        for target, queue in self.queued.items():
            slot = self.pool.slot(target)
            while queue and slot.acquire(blocking=False):
                send = queue.popleft()
                future = self.pool.executor.submit(send.run)
                future.add_done_callback(lambda _f, slot=slot: slot.release())
                self.running[future] = send

    def collect(self, timeout: float) -> list[tuple[Send, list[Outcome]]]:
        """Wait up to ``timeout`` for sends to end; each ended send with its outcomes."""
        if not self.running:
            self._start()
            if not self.running:
                if any(self.queued.values()):
                    # Another dispatch in this process holds the target's slots: wait a little.
                    time.sleep(min(timeout, 0.01))
                return []
        done, _ = wait(list(self.running), timeout=timeout, return_when=FIRST_COMPLETED)
        ended = []
        for future in done:
            send = self.running.pop(future)
            self.outstanding[send.target] -= len(send.deliveries)
            ended.append((send, future.result()))
        self._start()
        return ended

    def busy(self) -> bool:
        return bool(self.running) or any(self.queued.values())


_pool: DeliveryPool | None = None
_pool_lock = threading.Lock()


def delivery_pool() -> DeliveryPool:
    """This process's pool (created on first use, so each forked worker gets its own)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = DeliveryPool(
                workers=settings.CONNECTOR_DELIVERY_WORKERS,
                per_target=settings.CONNECTOR_DELIVERY_CONCURRENCY,
            )
        return _pool


def delivery_pool_reset() -> None:
    """Drop the pool (after a fork, or when a test changes its settings)."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.close()
        _pool = None


def _after_fork() -> None:
    # Threads and sockets do not survive a fork: the child starts with no pool.
    global _pool
    _pool = None


os.register_at_fork(after_in_child=_after_fork)
