"""The account admin writes through ``portal.services.account_save``: validated, recorded in the
history by the admin, and a demand input's change asks the roadmap for a re-score."""

import pytest
from django.urls import reverse

from portal.models import Account, User
from roadmap import scoring
from tests.factories import AccountFactory, CsRepFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(user)
    return user


def _form_body(client, url: str) -> dict:
    """What the admin's form would post back unchanged (its bound initial values)."""
    form = client.get(url).context["adminform"].form
    body = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        body[name] = value.pk if hasattr(value, "pk") else value
    return {k: v for k, v in body.items() if v is not False}


@pytest.fixture
def not_eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the dirty flag stays for the test to see


def test_a_demand_input_changed_in_the_admin_asks_for_a_rescore(client, root, not_eager):
    account = AccountFactory(arr=10_000, csm_owner=CsRepFactory())
    url = reverse("admin:portal_account_change", args=[account.pk])
    body = _form_body(client, url) | {"arr": "250000"}
    response = client.post(url, body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    account.refresh_from_db()
    assert account.arr == 250_000
    assert account.history.first().history_user == root
    assert scoring.priorities_pending()


def test_a_name_change_is_saved_without_a_rescore(client, root, not_eager):
    account = AccountFactory(name="Old name")
    url = reverse("admin:portal_account_change", args=[account.pk])
    response = client.post(url, _form_body(client, url) | {"name": "New name"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.name == "New name"
    assert not scoring.priorities_pending()


def test_an_account_added_in_the_admin_and_bad_input_refused(client, root):
    url = reverse("admin:portal_account_add")
    body = _form_body(client, url) | {"name": "Hand-made Co", "arr": "5000", "health_score": "70"}
    response = client.post(url, body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = Account.objects.get(name="Hand-made Co")
    assert made.history.first().history_user == root
    response = client.post(url, body | {"name": "Too healthy", "health_score": "150"})
    assert response.status_code == 200  # the form again, with the field's message
    assert "health_score" in response.context["adminform"].form.errors
    assert not Account.objects.filter(name="Too healthy").exists()
