"""The daily reminder through the real stack: Redis broker and a Celery worker process."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from roadmap.launches import services as launches
from roadmap.launches.tasks import milestone_reminders_daily
from roadmap.models import MilestoneReminder
from tests.celery_worker import all_tasks_done, wait_for
from tests.factories import ProductManagerFactory

from ..factories import LaunchableItemFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_reminder_once(worker):
    pm = ProductManagerFactory(username="worker_pm")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # The feature freeze (T−14) falls due tomorrow.
    item = LaunchableItemFactory(launch_date=tomorrow + dt.timedelta(days=14))
    launches.launch_plan_create(item=item, actor=pm)
    milestone_reminders_daily.delay()
    milestone_reminders_daily.delay()
    assert wait_for(lambda: MilestoneReminder.objects.exists()), "the worker sent no reminder"
    # A third run queued behind the first two: once the queue is empty and nothing is
    # unacknowledged (acks_late), every run has finished; still a single reminder.
    milestone_reminders_daily.delay()
    assert wait_for(lambda: worker.poll() is None and all_tasks_done())
    reminders = list(MilestoneReminder.objects.values_list("milestone__key", "recipient", "kind"))
    assert reminders == [("feature_freeze", pm.email, "due_tomorrow")]
