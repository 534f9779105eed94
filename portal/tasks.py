from celery import shared_task

from .outbox import outbox_relay_batch


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=60, time_limit=90)
def outbox_relay() -> int:
    """Dispatch pending outbox events until none are left (bounded per run)."""
    total = 0
    for _ in range(50):
        done = outbox_relay_batch()
        total += done
        if done == 0:
            break
    return total
