"""Faults under load, each with nothing lost and counted (figures printed, behaviour asserted).

- PostgreSQL restarted under load: the portal runs under gunicorn on a throwaway PostgreSQL cluster
  of its own (so that no other database on the machine is touched); while it is down every page
  answers a clean 503 page and every API call a JSON 503, and the portal recovers by itself.
- Redis stopped during 100 submissions: every submission is a ticket at once, and its event
  reaches the subscribed receiver exactly once after Redis returns.
- A slow external tool: while Jira takes its time (up to 30 s) over an issue creation, the worker
  waits for it and the web keeps answering.

The fourth fault of the hardening list, a worker killed mid-sync, runs in the regular suite:
``tests/connectors/test_worker.py::test_worker_killed_mid_sync_loses_nothing``.

    make bench PYTEST_ARGS=tests/perf/test_faults.py
"""

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from werkzeug import Response

from feedback.models import FeedbackTicket
from integrations.models import ConnectionKind, Delivery, DeliveryStatus
from portal.models import OutboxEvent
from roadmap.services import roadmap_item_create
from tests.celery_worker import start_celery, start_worker, stop, wait_for
from tests.connectors.factories import ConnectionFactory
from tests.connectors.test_redis_outage import spare_port, start_redis
from tests.factories import PASSWORD, AccountFactory, CsRepFactory, ProductManagerFactory
from tests.perf.loopback import keep_cookies
from tests.perf.test_load import ROOT, collect_static, production_env, start_gunicorn

# ---------------------------------------------------------------------------------------------
# A throwaway PostgreSQL cluster
# ---------------------------------------------------------------------------------------------


def _pg_bin(name: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in versions:
        if (folder / name).exists():
            return str(folder / name)
    found = shutil.which(name)
    if not found:
        pytest.fail(f"{name} not found: the PostgreSQL server binaries are needed")
    return found


def _as_postgres(*command: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class Cluster:
    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="portal-faults-"))
        self.data = self.folder / "data"
        self.port = spare_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        subprocess.run(
            _as_postgres(_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres(
                _pg_bin("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.folder / "log"),
                "-w",
                *args,
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._ctl("-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self._ctl("-m", "fast", "stop")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


class Probe:
    """Threads that keep asking a page and an API operation, recording every answer."""

    def __init__(self, base: str, session: requests.Session, threads: int = 4) -> None:
        self.base, self.session = base, session
        self.answers: list[tuple[float, str, int, str]] = []
        self.lock = threading.Lock()
        self.running = True
        self.kinds = itertools.cycle([("page", "/roadmap/"), ("api", "/api/v1/roadmap-items")])
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while self.running:
            with self.lock:
                kind, path = next(self.kinds)
            try:
                response = self.session.get(self.base + path, timeout=30, allow_redirects=False)
                answer = (response.status_code, response.headers.get("Content-Type", ""))
                if response.status_code == 503:
                    answer = (*answer[:1], answer[1] + "|" + response.text[:2000])
            except requests.RequestException as error:
                answer = (0, type(error).__name__)
            with self.lock:
                self.answers.append((time.monotonic(), kind, *answer))

    def count(self, since: float, kind: str, status: int) -> int:
        with self.lock:
            return sum(1 for t, k, s, _ in self.answers if t >= since and k == kind and s == status)

    def summary(self, since: float) -> Counter:
        with self.lock:
            return Counter((k, s, c[:80]) for t, k, s, c in self.answers if t >= since)

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=60)


def _sign_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.headers.update(
        {"X-Forwarded-Proto": "https", "Origin": base.replace("http://", "https://", 1)}
    )
    session.cookies_kept = keep_cookies(session)
    session.get(base + "/login/")
    response = session.post(
        base + "/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies_kept.get("csrftoken", ""),
        },
        allow_redirects=False,
    )
    assert response.status_code == 302, "sign-in failed"
    return session


@pytest.mark.postgres
def test_postgresql_restarted_under_load():
    cluster = Cluster()
    server = probe = None
    try:
        cluster.start()
        env = production_env(DATABASE_URL=cluster.url, DEMO_PASSWORD="fault-demo-pass")
        for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        collect_static(env)
        port = spare_port()
        server = start_gunicorn(port, env, workers=2)
        base = f"http://127.0.0.1:{port}"
        probe = Probe(base, _sign_in(base, "pm", "fault-demo-pass"))

        started = time.monotonic()
        assert wait_for(lambda: probe.count(started, "page", 200) >= 10, seconds=60), probe.summary(
            started
        )
        assert wait_for(lambda: probe.count(started, "api", 200) >= 10, seconds=60), probe.summary(
            started
        )

        cluster.stop()
        down = time.monotonic()
        assert wait_for(lambda: probe.count(down, "page", 503) >= 10, seconds=60), probe.summary(
            down
        )
        assert wait_for(lambda: probe.count(down, "api", 503) >= 10, seconds=60), probe.summary(
            down
        )
        cluster.start()
        back = time.monotonic()
        outage_s = back - down
        assert wait_for(lambda: probe.count(back, "page", 200) >= 20, seconds=120), probe.summary(
            back
        )
        assert wait_for(lambda: probe.count(back, "api", 200) >= 20, seconds=120), probe.summary(
            back
        )
        recovered = time.monotonic()
        probe.stop()
    finally:
        if probe is not None:
            probe.stop()
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.remove()

    answers = probe.answers
    statuses = Counter((kind, status) for _t, kind, status, _ in answers)
    while_down = [a for a in answers if down <= a[0] < back]
    first_ok = min((t for t, _k, s, _ in answers if t >= back and s == 200), default=back)
    after = [a for a in answers if a[0] >= recovered - 0.001]
    print(
        f"\nPostgreSQL restarted under load ({len(answers)} requests from 4 threads): "
        f"down for {outage_s:.1f} s, first 200 again {first_ok - back:.2f} s after it was back; "
        + ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(statuses.items()))
    )
    assert {status for _t, _k, status, _ in answers} <= {200, 503}, statuses
    for _t, kind, status, content in while_down:
        if status != 503:
            continue
        if kind == "api":
            assert content.startswith("application/json"), content[:200]
            assert "detail" in json.loads(content.split("|", 1)[1])
        else:
            assert content.startswith("text/html"), content[:200]
    assert all(status == 200 for _t, _k, status, _ in after)


# ---------------------------------------------------------------------------------------------
# Redis stopped during 100 submissions
# ---------------------------------------------------------------------------------------------

SUBMISSIONS = 100


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_stopped_during_100_submissions(httpserver, tmp_path, monkeypatch):
    monkeypatch.setenv("CONNECTOR_TEST_OUTBOUND_SECRET", "outbound-secret")
    received: Counter = Counter()

    def receiver(request):
        body = json.loads(request.get_data())
        if body["topic"] == "feedback_submitted":
            received[request.headers["X-Portal-Delivery"]] += 1
        return Response("", status=204)

    httpserver.expect_request("/receive").respond_with_handler(receiver)
    ConnectionFactory(
        name="Ops webhook",
        kind=ConnectionKind.WEBHOOK,
        base_url=httpserver.url_for("/receive"),
        secret_env="CONNECTOR_TEST_OUTBOUND_SECRET",
        settings={"events": ["feedback_submitted"]},
    )
    rep = CsRepFactory(username="fault_rep")
    account = AccountFactory(csm_owner=rep)
    redis_port = spare_port()
    redis = start_redis(redis_port)
    broker = {
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "true",  # the receivers of this test are on loopback
    }
    env = production_env(**broker)
    collect_static(env)
    port = spare_port()
    server = start_gunicorn(port, env, workers=2)
    worker = beat = None
    try:
        base = f"http://127.0.0.1:{port}"
        session = _sign_in(base, rep.username, PASSWORD)
        redis.terminate()
        redis.wait(timeout=10)

        answered = Counter()
        for n in range(SUBMISSIONS):
            session.get(base + "/feedback/new/")
            response = session.post(
                base + "/feedback/new/",
                data={
                    "csrfmiddlewaretoken": session.cookies_kept.get("csrftoken", ""),
                    "account": account.pk,
                    "title": f"Export the audit log, request {n}",
                    "description": "The customer's auditors ask for a CSV export each quarter.",
                    "category": "feature_request",
                    "impact": "medium",
                    "source": "call",
                },
                allow_redirects=False,
                timeout=30,
            )
            answered[response.status_code] += 1
        assert answered == {302: SUBMISSIONS}, answered
        assert FeedbackTicket.objects.count() == SUBMISSIONS
        pending = OutboxEvent.objects.filter(topic="feedback_submitted", dispatched_at=None)
        assert pending.count() == SUBMISSIONS

        redis = start_redis(redis_port)
        returned = time.monotonic()
        worker = start_worker(**broker)
        beat = start_celery("beat", "--schedule", str(tmp_path / "beat-schedule"), **broker)
        assert wait_for(lambda: sum(received.values()) >= SUBMISSIONS, seconds=180), received
        delivered_s = time.monotonic() - returned
        assert wait_for(
            lambda: Delivery.objects.filter(status=DeliveryStatus.DELIVERED).count() == SUBMISSIONS
        )
    finally:
        for process in (beat, worker):
            if process is not None:
                stop(process)
        server.terminate()
        server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)

    print(
        f"\nRedis stopped during {SUBMISSIONS} submissions: {answered[302]} answered 302 at once, "
        f"{FeedbackTicket.objects.count()} tickets; {sum(received.values())} events received "
        f"({len(received)} distinct) {delivered_s:.1f} s after Redis returned"
    )
    assert len(received) == SUBMISSIONS and set(received.values()) == {1}
    assert not OutboxEvent.objects.filter(dispatched_at=None).exists()


# ---------------------------------------------------------------------------------------------
# A slow external tool
# ---------------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_slow_jira_never_blocks_a_web_request(httpserver, monkeypatch):
    monkeypatch.setenv("CONNECTOR_TEST_JIRA_CREDENTIAL", "bot@example.com:api-token")
    called, release = threading.Event(), threading.Event()

    def create(request):  # Jira taking its time: up to 30 s, unless the test lets it go sooner
        called.set()
        release.wait(timeout=30)
        body = {"id": "10042", "key": "PROD-42", "self": "https://x.atlassian.net/issue/PROD-42"}
        return Response(json.dumps(body), status=201, content_type="application/json")

    httpserver.expect_request("/rest/api/3/issue", method="POST").respond_with_handler(create)
    ConnectionFactory(
        name="Jira",
        kind=ConnectionKind.JIRA,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_TEST_JIRA_CREDENTIAL",
        secret_env="",
        settings={"project_key": "PROD"},
    )
    pm = ProductManagerFactory(username="fault_pm")
    item = roadmap_item_create(title="Audit log export")
    redis_port = spare_port()
    redis = start_redis(redis_port)
    broker = {
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "OUTBOUND_ALLOW_PRIVATE_NETWORKS": "true",  # the receivers of this test are on loopback
    }
    env = production_env(**broker)
    collect_static(env)
    port = spare_port()
    server = start_gunicorn(port, env, workers=2)
    worker = start_worker(**broker)
    try:
        base = f"http://127.0.0.1:{port}"
        session = _sign_in(base, pm.username, PASSWORD)
        page = session.get(f"{base}/roadmap/items/{item.pk}/")
        response = session.post(
            f"{base}/integrations/jira/items/{item.pk}/create",
            data={"csrfmiddlewaretoken": session.cookies_kept.get("csrftoken", "")},
            allow_redirects=False,
            timeout=30,
        )
        assert page.status_code == 200 and response.status_code == 302
        assert called.wait(timeout=120), "the worker never called Jira"

        # The worker is inside the slow call: the web goes on answering meanwhile.
        timings, answers = [], Counter()
        for path in ["/roadmap/", f"/roadmap/items/{item.pk}/", "/feedback/triage/"] * 10:
            t = time.perf_counter()
            answers[session.get(base + path, timeout=30).status_code] += 1
            timings.append(time.perf_counter() - t)
        still_waiting = not release.is_set()
        item_page = session.get(f"{base}/roadmap/items/{item.pk}/").text
        release.set()
        item.refresh_from_db()
        assert wait_for(
            lambda: type(item).objects.filter(pk=item.pk, jira_key="PROD-42").exists(),
            seconds=60,
        )
    finally:
        release.set()
        stop(worker)
        server.terminate()
        server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)

    timings.sort()
    print(
        f"\nslow Jira: {sum(answers.values())} web requests while the worker waited on Jira, "
        f"{dict(answers)}; median {timings[len(timings) // 2] * 1000:.0f} ms, "
        f"max {timings[-1] * 1000:.0f} ms"
    )
    assert still_waiting and answers == {200: 30}
    assert "Creating the Jira issue" in item_page
