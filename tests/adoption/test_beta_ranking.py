"""Beta candidate ranking counts the adoption of related features (the features of shipped items
in the same product area), through the roadmap's candidate-factor seam, with the reason shown."""

import datetime as dt

import pytest
from django.utils import timezone

from integrations.connectors.analytics.betas import related_adoption_factor
from integrations.models import FeatureUsage
from roadmap.betas.selectors import candidates_for
from roadmap.features import roadmap_item_set_features
from roadmap.models import RoadmapItem
from tests.factories import AccountFactory
from tests.roadmap.factories import BetaProgramFactory, LaunchableItemFactory

pytestmark = pytest.mark.django_db


def _shipped(title, area, keys):
    item = RoadmapItem.objects.create(
        title=title, product_area=area, status="shipped", shipped_at=timezone.now()
    )
    roadmap_item_set_features(item=item, feature_keys=keys)
    return item


def _used(account, key, days_ago):
    FeatureUsage.objects.create(
        account=account,
        feature=key,
        day=timezone.localdate() - dt.timedelta(days=days_ago),
        events=3,
    )


def test_related_adoption_ranks_and_explains():
    program = BetaProgramFactory(item=LaunchableItemFactory(product_area="reporting"))
    _shipped("Dashboards", "reporting", ["dash.view", "dash.export"])
    _shipped("Invoices", "billing", ["bill.pay"])
    both = AccountFactory(name="Both", health_score=70)
    one = AccountFactory(name="One", health_score=70)
    other_area = AccountFactory(name="Billing only", health_score=70)
    stale = AccountFactory(name="Stale", health_score=70)
    AccountFactory(name="Nothing", health_score=71)
    _used(both, "dash.view", 3)
    _used(both, "dash.export", 10)
    _used(one, "dash.view", 1)
    _used(one, "dash.view", 2)  # two days of the same feature: still one feature
    _used(other_area, "bill.pay", 1)
    _used(stale, "dash.view", 100)  # outside the 90 days

    ranked = candidates_for(program)
    assert [(c.account.name, c.score) for c in ranked] == [
        ("Both", 85),  # 70 + 15 (2 of 2)
        ("One", 78),  # 70 + 8 (1 of 2)
        ("Nothing", 71),
        ("Billing only", 70),
        ("Stale", 70),
    ]
    assert ranked[0].reasons[-1] == (
        "uses 2 of 2 related features (reporting: Dashboards) in the last 90 days"
    )
    assert not any("related" in r for c in ranked[2:] for r in c.reasons)


def test_no_area_or_no_mapped_related_items_adds_nothing(django_assert_num_queries):
    program = BetaProgramFactory(item=LaunchableItemFactory(product_area=""))
    _shipped("Dashboards", "", ["dash.view"])
    with django_assert_num_queries(0):
        assert related_adoption_factor(program) == {}
    program = BetaProgramFactory(item=LaunchableItemFactory(product_area="reporting"))
    with django_assert_num_queries(1):
        assert related_adoption_factor(program) == {}


@pytest.mark.parametrize("size", [3, 30])
def test_factor_query_count_is_constant(size, django_assert_num_queries):
    program = BetaProgramFactory(item=LaunchableItemFactory(product_area="reporting"))
    _shipped("Dashboards", "reporting", ["dash.view", "dash.export"])
    for account in AccountFactory.create_batch(size):
        _used(account, "dash.view", 1)
    with django_assert_num_queries(2):
        assert len(related_adoption_factor(program)) == size
