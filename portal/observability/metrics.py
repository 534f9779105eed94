"""Prometheus metrics: requests and their latency by view (recorded by the middleware), and the
backlogs read when ``/metrics`` is scraped: the Celery queue, the outbox, and what other apps
register with :func:`register_metric_source` (integrations: sync run outcomes, deliveries).

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` (an empty directory,
cleared at start): prometheus-client then sums the workers' request metrics."""

import os
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "portal_http_requests_total",
    "HTTP requests by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("portal_tasks_total", "Celery tasks run, by task and outcome.", ["task", "state"])

_sources: list[Callable[[], Iterable[GaugeMetricFamily]]] = []


def register_metric_source(source: Callable[[], Iterable[GaugeMetricFamily]]) -> None:
    """An app's gauges, read at every scrape (keep them to a query or two)."""
    if source not in _sources:
        _sources.append(source)


def _queue_depth() -> Iterable[GaugeMetricFamily]:
    from django.conf import settings

    gauge = GaugeMetricFamily(
        "portal_queue_depth", "Tasks waiting in the Celery queue (Redis).", labels=["queue"]
    )
    if settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        try:
            gauge.add_metric(
                [settings.CELERY_TASK_DEFAULT_QUEUE],
                client.llen(settings.CELERY_TASK_DEFAULT_QUEUE),
            )
        except redis.RedisError:
            pass  # Redis down: the gauge is absent (readyz says why)
        finally:
            client.close()
    yield gauge


def _outbox() -> Iterable[GaugeMetricFamily]:
    from django.db.models import Count, Min
    from django.utils import timezone

    from portal.models import OutboxEvent

    pending = OutboxEvent.objects.pending().aggregate(n=Count("id"), oldest=Min("created_at"))
    yield GaugeMetricFamily(
        "portal_outbox_pending", "Outbox events not yet dispatched.", value=pending["n"]
    )
    age = (timezone.now() - pending["oldest"]).total_seconds() if pending["oldest"] else 0
    yield GaugeMetricFamily(
        "portal_outbox_oldest_pending_seconds", "Age of the oldest pending outbox event.", value=age
    )


class _Backlogs:
    def collect(self):
        yield from _queue_depth()
        yield from _outbox()
        for source in _sources:
            yield from source()


def render() -> bytes:
    """The exposition text: this process's (or every worker's) counters, and the backlogs."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    output = generate_latest(registry)
    backlog = CollectorRegistry()
    backlog.register(_Backlogs())
    return output + generate_latest(backlog)
