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
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
