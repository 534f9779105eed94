from celery import shared_task

from .notifications import shipped_notifications_send


@shared_task(
    acks_late=True,
    ignore_result=True,
    soft_time_limit=120,
    time_limit=150,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def feedback_shipped_notify(*, ticket_ids: list[int]) -> int:
    """Email the people behind shipped tickets (each person once per ticket). A failed send
    raises DeliveryIncomplete (an OSError): Celery retries with backoff, sending only what is
    missing."""
    return shipped_notifications_send(ticket_ids=ticket_ids)
