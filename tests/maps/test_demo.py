"""The demo: both seeds imported, a cycle start, a few ticked and verified criteria; idempotent."""

import pytest

from integrations.maps import demo
from integrations.models import AcceptanceCriterion, IntegrationMap
from tests.factories import PortalAdminFactory

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    PortalAdminFactory(username="admin")
    PortalAdminFactory(username="admin2")
    demo.seed()
    demo.seed()
    assert IntegrationMap.objects.count() == 2
    first = IntegrationMap.objects.get(title="Developer-Product Integration Map")
    assert first.cycle_start is not None and first.cycle_start.weekday() == 0
    criteria = AcceptanceCriterion.objects.filter(point__map=first)
    assert criteria.filter(done_at__isnull=False).count() == 9
    verified = criteria.filter(verified_at__isnull=False)
    assert verified.count() == 4
    assert all(c.verified_by_id != c.done_by_id for c in verified)


def test_demo_without_admins_still_imports():
    demo.seed()
    assert IntegrationMap.objects.count() == 2
    assert not AcceptanceCriterion.objects.filter(done_at__isnull=False).exists()
