"""Celery tasks of launch plans (beat: ``launch-milestone-reminders-daily``)."""

from celery import shared_task

from .services import milestone_reminders_send


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def milestone_reminders_daily() -> int:
    """Email owners of milestones due tomorrow or late (once per milestone and day)."""
    return milestone_reminders_send()
