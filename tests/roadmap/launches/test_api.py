"""The read-only launch plans resource."""

import pytest
from django.urls import reverse

from roadmap.launches import services as launches

from ..factories import LaunchableItemFactory

pytestmark = pytest.mark.django_db


def test_plan_resource_with_readiness_and_milestones(client_for, pm):
    plan = launches.launch_plan_create(item=LaunchableItemFactory(), actor=pm)
    plans = client_for(pm).get(reverse("api-launch-plan-list")).json()["results"]
    assert plans[0]["id"] == plan.pk and len(plans[0]["milestones"]) == 4
    assert plans[0]["readiness"]["status"] in {"ready", "needs_attention", "blocked"}
