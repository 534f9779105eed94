"""The connectors' gauges on ``/metrics`` (registered in ``IntegrationsConfig.ready()``): sync
run outcomes by connection kind and status, and outbound deliveries by status."""

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from integrations.models import Delivery, SyncRun


def connector_metrics():
    runs = GaugeMetricFamily(
        "portal_sync_runs", "Sync runs by connection kind and status.", labels=["kind", "status"]
    )
    rows = SyncRun.objects.values("connection__kind", "status").annotate(n=Count("id"))
    for row in rows.order_by("connection__kind", "status"):
        runs.add_metric([row["connection__kind"], row["status"]], row["n"])
    yield runs
    deliveries = GaugeMetricFamily(
        "portal_deliveries",
        "Outbound deliveries by status (dead: dead letters).",
        labels=["status"],
    )
    for row in Delivery.objects.values("status").annotate(n=Count("id")).order_by("status"):
        deliveries.add_metric([row["status"]], row["n"])
    yield deliveries
