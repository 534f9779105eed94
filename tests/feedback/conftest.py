import pytest

from tests.factories import AccountFactory, UserFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Many factory users: a fast hasher keeps the suite quick (the login tests use the real one).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def outsider(db):
    """A signed-in user with no role at all."""
    return UserFactory(username="outsider")


@pytest.fixture
def other_account(db, cs_rep_colleague):
    return AccountFactory(csm_owner=cs_rep_colleague)


@pytest.fixture
def eager_celery(settings):
    """Tasks and the outbox relay run in-process, even when REDIS_URL points at a real broker."""
    from portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(task_always_eager=before[0], task_eager_propagates=before[1])
