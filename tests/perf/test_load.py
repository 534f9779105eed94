"""A mixed load under gunicorn on the roadmap benchmark data set (figures, not a timed test).

The portal runs as in production (``DEBUG`` off, gunicorn, PostgreSQL, persistent connections),
bound to loopback; locust drives PMs and reps signed in with their own sessions: board views,
feedback lists, and feedback submissions through the form (``tests/perf/locustfile.py``). Each
concurrency step runs for a bounded time and prints throughput, median, p95, p99 and errors per
request kind; the step where throughput peaks is called out with the board's p95 there::

    make bench PYTEST_ARGS=tests/perf/test_load.py
    LOAD_USERS=1,2,4,8,16 LOAD_SECONDS=20 LOAD_WORKERS=4 \
        make bench PYTEST_ARGS=tests/perf/test_load.py

(DATABASE_URL=postgres://…). What the run asserts is behaviour, not speed: no request failed and
every submission became a ticket.
"""

import csv
import json
import os
import random
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.db import connection

from feedback.models import FeedbackTicket
from portal.models import Account
from roadmap import scoring
from tests.celery_worker import wait_for
from tests.connectors.test_redis_outage import spare_port
from tests.factories import PASSWORD, ProductManagerFactory
from tests.perf.test_roadmap_bench import _build

ROOT = Path(__file__).resolve().parents[2]
USERS = [int(n) for n in os.environ.get("LOAD_USERS", "1,2,4,8,16").split(",") if n.strip()]
SECONDS = int(os.environ.get("LOAD_SECONDS", "20"))
WORKERS = int(os.environ.get("LOAD_WORKERS", "4"))
PMS = 4


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def production_env(**extra: str) -> dict:
    """The settings a production deployment behind a TLS proxy gives the portal."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "USE_X_FORWARDED_PROTO": "true",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": _database_url(),
        "CONN_MAX_AGE": "60",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def collect_static(env: dict) -> None:
    """``collectstatic`` as a deployment runs it, unless the manifest is newer than every file."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [ROOT / "package.json", *(p for p in (ROOT / "static").rglob("*") if p.is_file())]
    if manifest.exists() and manifest.stat().st_mtime > max(p.stat().st_mtime for p in sources):
        return
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def start_gunicorn(port: int, env: dict, workers: int = WORKERS) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def answers() -> bool:
        try:
            return requests.get(f"http://127.0.0.1:{port}/login/", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    if not wait_for(answers, seconds=60):
        process.kill()
        raise RuntimeError("gunicorn did not answer within 60 s")
    return process


def _people(reps) -> list[dict]:
    people = []
    for rep in reps:
        accounts = list(Account.objects.filter(csm_owner=rep).values_list("id", flat=True)[:20])
        people.append(
            {"username": rep.username, "password": PASSWORD, "role": "rep", "accounts": accounts}
        )
    for n in range(PMS):
        pm = ProductManagerFactory(username=f"bench_pm{n}")
        people.append({"username": pm.username, "password": PASSWORD, "role": "pm"})
    random.Random(5).shuffle(people)
    return people


def _locust(port: int, users: int, seconds: int, people: list[dict], out: Path) -> dict:
    prefix = out / f"u{users}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(ROOT / "tests/perf/locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
            "--exit-code-on-error",
            "0",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "LOAD_PEOPLE": json.dumps(people)},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open(f"{prefix}_stats.csv", newline="") as handle:
        return {row["Name"]: row for row in csv.DictReader(handle)}


def _row(name: str, stats: dict) -> str:
    return (
        f"    {name:<16} {float(stats['Requests/s']):>7.1f}/s  median {stats['50%']:>5} ms  "
        f"p95 {stats['95%']:>5} ms  p99 {stats['99%']:>5} ms  "
        f"errors {stats['Failure Count']}/{stats['Request Count']}"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_mixed_load_under_gunicorn(tmp_path):
    built = _build(random.Random(2026), 1)
    scoring.priorities_recompute()
    people = _people(built["reps"])
    tickets_before = FeedbackTicket.objects.count()
    env = production_env()
    collect_static(env)
    port = spare_port()
    server = start_gunicorn(port, env)
    try:
        warm_up = _locust(port, 2, 5, people, tmp_path)  # imports, caches, connections
        steps = {users: _locust(port, users, SECONDS, people, tmp_path) for users in USERS}
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\nmixed load under gunicorn ({WORKERS} workers, DEBUG off, PostgreSQL), "
        f"{len(people)} people, {SECONDS} s per step, load average {os.getloadavg()[0]:.1f} "
        "(2 cores; locust runs on the same machine)"
    )
    for users, stats in steps.items():
        print(f"  {users} concurrent users:")
        for name, row in stats.items():
            print(_row(name, row))
    peak = max(steps, key=lambda users: float(steps[users]["Aggregated"]["Requests/s"]))
    board = steps[peak].get("board", {"95%": "—"})
    print(
        f"  throughput peaks at {peak} users: "
        f"{float(steps[peak]['Aggregated']['Requests/s']):.1f} requests/s, "
        f"board p95 {board['95%']} ms there (target ≤ 250 ms)"
    )

    failures = {
        (users, name): stats[name]["Failure Count"]
        for users, stats in steps.items()
        for name in stats
        if stats[name]["Failure Count"] != "0"
    }
    assert failures == {}, f"requests failed under load: {failures}"
    # Locust stops its users mid-request at the end of a step: a submission in flight may be
    # stored without being counted, never the other way round.
    submitted = sum(
        int(stats["feedback submit"]["Request Count"])
        for stats in [warm_up, *steps.values()]
        if "feedback submit" in stats
    )
    created = FeedbackTicket.objects.count() - tickets_before
    assert submitted <= created <= submitted + 2 + sum(USERS)
