"""The daily reminder through the real stack: Redis broker and a Celery worker process."""

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from roadmap.beta import launches
from roadmap.beta.tasks import milestone_reminders_daily
from roadmap.models import MilestoneReminder
from tests.factories import ProductManagerFactory

from .factories import RoadmapItemFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker():
    # The worker works on the test database this test writes to.
    db = connection.settings_dict
    auth = db["USER"] + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": "consolemail://",
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-Q",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


def wait_for(condition, *, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_sends_each_reminder_once(worker):
    pm = ProductManagerFactory(username="worker_pm")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # The feature freeze (T−14) falls due tomorrow.
    item = RoadmapItemFactory(launch_date=tomorrow + dt.timedelta(days=14))
    launches.launch_plan_create(item=item, actor=pm)
    milestone_reminders_daily.delay()
    milestone_reminders_daily.delay()
    assert wait_for(lambda: MilestoneReminder.objects.exists()), "the worker sent no reminder"
    # A third run queued behind the first two: once the queue is empty and nothing is
    # unacknowledged (acks_late), every run has finished; still a single reminder.
    milestone_reminders_daily.delay()
    assert wait_for(lambda: worker.poll() is None and _all_tasks_done())
    reminders = list(MilestoneReminder.objects.values_list("milestone__key", "recipient", "kind"))
    assert reminders == [("feature_freeze", pm.email, "due_tomorrow")]


def _all_tasks_done() -> bool:
    from portal.celery import app

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        queued = client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
        unacked = client.hlen("unacked")
    return queued == 0 and unacked == 0
