"""seed_demo gives the adoption panels something true to show."""

import pytest
from django.core.management import call_command

from integrations.connectors.analytics.adoption import item_adoption
from integrations.connectors.analytics.optimize import recommendations
from integrations.models import FeatureUsage
from portal.models import User
from roadmap.models import RoadmapItem, RoadmapItemFeature


@pytest.mark.django_db
def test_demo_shipped_items_show_requesters_barriers_and_a_lagging_segment(client_for):
    call_command("seed_demo")
    counts = (RoadmapItemFeature.objects.count(), FeatureUsage.objects.count())
    call_command("seed_demo")
    assert (RoadmapItemFeature.objects.count(), FeatureUsage.objects.count()) == counts

    items = list(RoadmapItem.objects.filter(status="shipped", features__isnull=False).distinct())
    assert len(items) == 3
    kinds = set()
    for item in items:
        report = item_adoption(item)
        assert report["adopters"] > 0 and report["requesters"]["adopters"] > 0, item
        kinds |= {r["kind"] for r in recommendations(report)}
        if (report["window"]["until"] - report["shipped_on"]).days >= 14:
            assert report["barriers"]["accounts"], item
    assert {"barrier_accounts", "lagging_segment", "rollout_prediction"} <= kinds
    exports = RoadmapItem.objects.get(title="Scheduled CSV exports")
    report = item_adoption(exports)
    assert report["aha"]["adopters"] > 0 and report["dropoff"]["tried_once"] > 0
    assert report["prediction"]["expected"] is not None

    pm = User.objects.get(username="pm")
    html = client_for(pm).get(exports.get_absolute_url()).content.decode()
    assert '<svg class="chart chart-line"' in html and "Recommendations" in html
