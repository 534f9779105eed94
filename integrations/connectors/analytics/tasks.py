"""Adoption's daily task (beat ``adoption-barriers-daily``): thin, idempotent, ``acks_late``."""

from celery import shared_task

from .adoption_services import barrier_notices_send, requester_crossings_record


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=600, time_limit=660)
def adoption_barriers_daily() -> dict:
    """Barrier messages to CSMs (once per item and CSM) and requester-adoption insights (once per
    item); a redelivered or repeated run sends nothing new."""
    return {
        "barrier_notices": len(barrier_notices_send()),
        "insights": len(requester_crossings_record()),
    }
