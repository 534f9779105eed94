import contextlib
import os

import pytest
from django.db import connection
from django.dispatch import receiver
from django.test.signals import setting_changed

from portal.celery import app as celery_app
from tests.factories import (
    AccountFactory,
    CsRepFactory,
    PortalAdminFactory,
    ProductManagerFactory,
)

IN_CI = os.environ.get("CI", "").lower() == "true"

# Celery reads the eager switches from Django's settings live, unless something wrote an override
# into ``app.conf``: drop such overrides whenever a test changes the settings, so the ``settings``
# fixture alone decides, and nothing a test did leaks into later tests.
EAGER_KEYS = ("task_always_eager", "task_eager_propagates")


@receiver(setting_changed)
def _celery_follows_eager_setting(*, setting, **kwargs):
    if setting in ("CELERY_TASK_ALWAYS_EAGER", "CELERY_TASK_EAGER_PROPAGATES"):
        for key in EAGER_KEYS:
            with contextlib.suppress(KeyError):  # no override: Celery reads the setting
                del celery_app.conf.changes[key]


@pytest.fixture(autouse=True)
def _require_real_services(request):
    """Tests marked ``postgres`` / ``redis`` need the real service: skipped on a laptop without it,
    failed in CI, where the production stack must be tested."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://…")
    if request.node.get_closest_marker("redis") and not os.environ.get("REDIS_URL"):
        _missing("needs Redis: set REDIS_URL=redis://…")


@pytest.fixture(autouse=True)
def _panels_rendered_fresh(settings):
    """Cached panels (``settings.PANEL_CACHE_SECONDS``) are off in tests, so each test sees what
    it just wrote and query counts cover the panels' own queries; the tests of the cache and the
    benchmarks turn it on."""
    settings.PANEL_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _cache_starts_empty():
    """Each test starts with an empty cache: a KPI report or a card one test cached must not show
    in the next one, whose data differ. Only the cache's own keys go (the Redis database is also
    the Celery broker)."""
    yield
    from django.core.cache import cache

    if hasattr(cache, "_cache") and hasattr(cache._cache, "get_client"):
        client = cache._cache.get_client(None, write=True)
        keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def worker():
    """A real Celery worker process on the test database (PostgreSQL) and the Redis broker."""
    from tests.celery_worker import start_worker, stop

    process = start_worker()
    yield process
    stop(process)


@pytest.fixture
def cs_rep(db):
    return CsRepFactory(username="rep_a")


@pytest.fixture
def cs_rep_colleague(db):
    return CsRepFactory(username="rep_b")


@pytest.fixture
def pm(db):
    return ProductManagerFactory(username="pm_a")


@pytest.fixture
def portal_admin(db):
    return PortalAdminFactory(username="admin_a")


@pytest.fixture
def portal_admin_colleague(db):
    return PortalAdminFactory(username="admin_b")


@pytest.fixture
def account(db, cs_rep):
    return AccountFactory(csm_owner=cs_rep)


@pytest.fixture
def client_for(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login
