from contextlib import contextmanager

import pytest

from integrations.connectors import transport
from integrations.connectors.runs import sync_run_execute, sync_run_request
from integrations.models import ConnectionKind

from .factories import ConnectionFactory


@pytest.fixture(autouse=True)
def _fast_connectors(settings, monkeypatch):
    settings.CONNECTOR_HTTP_TIMEOUT = 2.0
    settings.CONNECTOR_HTTP_BACKOFF = 0.0
    settings.CONNECTOR_HTTP_MAX_ATTEMPTS = 3
    monkeypatch.setenv("CONNECTOR_TEST_HUBSPOT_TOKEN", "pat-na1-test")
    monkeypatch.setenv("CONNECTOR_TEST_JIRA_CREDENTIAL", "bot@example.com:api-token")
    monkeypatch.setenv("CONNECTOR_TEST_JIRA_SECRET", "jira-webhook-secret")
    monkeypatch.setenv("CONNECTOR_TEST_SEGMENT_SECRET", "segment-secret")
    monkeypatch.setenv("CONNECTOR_TEST_OUTBOUND_SECRET", "outbound-secret")


@pytest.fixture
def waits(monkeypatch):
    """The transport's waits between attempts, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(transport, "pause", recorded.append)
    return recorded


@pytest.fixture
def crm(db, httpserver):
    return ConnectionFactory(
        name="HubSpot",
        kind=ConnectionKind.CRM,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_TEST_HUBSPOT_TOKEN",
        # A custom e-mail owner property (still supported beside hubspot_owner_id) and the
        # industry → segment table these tests' companies need.
        settings={
            "properties": {"csm_owner": "csm_owner_email"},
            "segment_map": {"fintech": "fintech", "retail": "retail"},
        },
    )


@pytest.fixture
def jira(db, httpserver):
    return ConnectionFactory(
        name="Jira",
        kind=ConnectionKind.JIRA,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_TEST_JIRA_CREDENTIAL",
        secret_env="CONNECTOR_TEST_JIRA_SECRET",
        settings={"project_key": "PROD"},
    )


@pytest.fixture
def analytics(db):
    return ConnectionFactory(
        name="Segment",
        kind=ConnectionKind.ANALYTICS,
        base_url="",
        secret_env="CONNECTOR_TEST_SEGMENT_SECRET",
    )


@pytest.fixture
def run_sync(django_capture_on_commit_callbacks):
    """Request a run and carry it out here (the queued task would do the same)."""

    def run(connection):
        with django_capture_on_commit_callbacks(execute=False):
            requested = sync_run_request(connection=connection)
        return sync_run_execute(run_id=requested.pk)

    return run


@contextmanager
def celery_mode(settings, *, eager: bool):
    """Run Celery eagerly (or not) for one test through the Django settings Celery reads live,
    dropping any override an earlier test left in ``app.conf`` and putting it back afterwards:
    nothing leaks into later tests either way."""
    from portal.celery import app

    keys = ("task_always_eager", "task_eager_propagates")
    app.conf.task_always_eager  # noqa: B018 - finishes a pending configuration: changes is a dict
    saved = {key: app.conf.changes[key] for key in keys if key in app.conf.changes}
    for key in keys:
        app.conf.changes.pop(key, None)
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    try:
        yield
    finally:
        for key in keys:
            app.conf.changes.pop(key, None)
        app.conf.changes.update(saved)


@pytest.fixture
def real_broker(settings):
    """This process publishes to Redis, whatever an earlier test did to Celery's mode."""
    with celery_mode(settings, eager=False):
        yield


@pytest.fixture
def eager_celery_here(settings):
    """Tasks run in this process (even with REDIS_URL set)."""
    with celery_mode(settings, eager=True):
        yield
