"""Real Celery processes for tests about background work: a worker (or beat) on the test database
and the Redis broker, and ways to wait for the work to finish without sleeping blindly."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def start_celery(*args: str, **extra_env: str) -> subprocess.Popen:
    """``celery -A portal <args>`` working on the database this test writes to."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CONN_MAX_AGE": "0",
        "EMAIL_URL": "consolemail://",
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        **extra_env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", *args, "-l", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_worker(**extra_env: str) -> subprocess.Popen:
    """One solo worker on the portal's queue (or ``CELERY_QUEUE`` in ``extra_env``)."""
    queue = extra_env.get("CELERY_QUEUE", settings.CELERY_TASK_DEFAULT_QUEUE)
    return start_celery(
        "worker",
        "--pool=solo",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "-Q",
        queue,
        **extra_env,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def wait_for(condition, *, seconds: float = 60) -> bool:
    """Poll ``condition`` until it holds (True) or ``seconds`` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def all_tasks_done() -> bool:
    """Nothing queued and nothing unacknowledged (tasks are ``acks_late``): every task sent so far
    has finished."""
    from portal.celery import app

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        queued = client.llen(settings.CELERY_TASK_DEFAULT_QUEUE)
        unacked = client.hlen("unacked")
    return queued == 0 and unacked == 0
