"""Thin Celery tasks: they take ids and call the runs/deliveries/Jira services. Nothing imports
this module but Celery (the services queue tasks by name, see background.py), so it may import
everything it calls. All ``acks_late``: a
worker that dies mid-run leaves the message unacknowledged, the broker redelivers it, and the new
worker takes the run over once its lease lapses (resuming from the cursor)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from integrations.models import RunStatus, SyncRun

from .analytics.insights import adoption_insights_record
from .outbound import deliveries as outbound
from .runs import sync_due, sync_run_execute
from .services import jira_issue_request_execute


@shared_task(
    bind=True,
    acks_late=True,
    ignore_result=True,
    max_retries=20,
    soft_time_limit=1800,
    time_limit=1900,
)
def connection_sync(self, run_id: int) -> str:
    run = sync_run_execute(run_id=run_id)
    if run is not None:
        return run.status
    current = SyncRun.objects.filter(pk=run_id).values("status", "lease_until").first()
    busy = current and current["status"] == RunStatus.RUNNING and current["lease_until"]
    if busy and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Another worker holds the lease (or held it before dying): look again when it lapses.
        wait = (current["lease_until"] - timezone.now()).total_seconds() + 1
        raise self.retry(countdown=max(1, min(wait, settings.CONNECTOR_RUN_LEASE_SECONDS + 1)))
    return "skipped"


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def connectors_sync_due() -> int:
    """Beat: queue runs for connections that are due and revive runs whose worker vanished."""
    return len(sync_due())


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def delivery_send(delivery_id: int) -> str:
    """One delivery now (a redelivery from the sync page or admin)."""
    delivery = outbound.delivery_attempt(delivery_id=delivery_id)
    return delivery.status if delivery else "not due"


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def deliveries_send() -> int:
    """Queued after a relay's commit: send what is due through the delivery pool (claims are
    exclusive, so several of these at once share the work)."""
    return outbound.deliveries_send_due()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def deliveries_dispatch_due() -> int:
    """Beat: send every delivery whose next attempt is due (retries after backoff)."""
    return outbound.deliveries_dispatch_due()


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def adoption_insights_daily() -> int:
    """Beat: today's ``adoption_insight`` event for every feature used in the last 30 days
    (idempotent per feature and day, so a redelivered message writes nothing more)."""
    return len(adoption_insights_record())


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=300, time_limit=330)
def jira_issue_create(request_id: int) -> str:
    """Create the Jira issue of a roadmap item (up to the transport's attempts, no row locked);
    the item page polls until the key, or the error, is there."""
    request = jira_issue_request_execute(request_id=request_id)
    return request.status if request else "not pending"
