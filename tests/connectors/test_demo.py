import pytest
from django.core.management import call_command

from integrations.models import Connection, Delivery, FeatureUsage, SyncRun


@pytest.mark.django_db
def test_demo_connections_are_disabled_examples_and_seeding_is_idempotent(client_for):
    call_command("seed_demo")
    counts = [m.objects.count() for m in (Connection, SyncRun, FeatureUsage, Delivery)]
    call_command("seed_demo")
    assert [m.objects.count() for m in (Connection, SyncRun, FeatureUsage, Delivery)] == counts
    assert counts[0] >= 5 and counts[1] >= 3 and counts[2] > 0
    assert not Connection.objects.filter(enabled=True).exists()
    assert SyncRun.objects.filter(status="failed").exclude(error="").exists()
    assert Delivery.objects.dead().exists()
    from portal.models import User

    page = client_for(User.objects.get(username="admin")).get("/integrations/sync/")
    assert page.status_code == 200
    assert "refused the credentials" in page.content.decode()
