import pytest
from django.core.management import call_command

from portal.choices import Role
from portal.models import Account, User


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    call_command("seed_demo")
    counts = (User.objects.count(), Account.objects.count())
    snapshot = list(Account.objects.order_by("crm_id").values_list("crm_id", "arr", "tier"))
    call_command("seed_demo")
    assert (User.objects.count(), Account.objects.count()) == counts
    assert list(Account.objects.order_by("crm_id").values_list("crm_id", "arr", "tier")) == snapshot
    assert counts[1] >= 40
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists()
    assert {a.health_band for a in Account.objects.all()} == {"red", "yellow", "green"}
    assert Account.objects.values("tier").distinct().count() == 3


@pytest.mark.django_db
def test_seed_demo_users_can_log_in(client):
    call_command("seed_demo")
    response = client.post("/login/", {"username": "rep", "password": "portal-demo"})
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_seed_demo_scale_multiplies(capsys):
    call_command("seed_demo", scale=3)
    assert Account.objects.count() == 48 * 3
