import datetime as dt

import pytest

from integrations.connectors.analytics.selectors import (
    adoption_by_segment,
    adoption_health_correlation,
)
from integrations.models import FeatureUsage
from portal.choices import LifecycleStage
from tests.factories import AccountFactory

DAY = dt.date(2026, 11, 20)


@pytest.mark.django_db
def test_adoption_by_segment_and_correlation_with_health(django_assert_num_queries):
    healthy = [AccountFactory(segment="fintech", health_score=90) for _ in range(2)]
    AccountFactory(segment="fintech", health_score=30)
    AccountFactory(segment="retail", health_score=50)
    AccountFactory(segment="retail", lifecycle_stage=LifecycleStage.CHURNED)  # not counted
    for account in healthy:
        FeatureUsage.objects.create(account=account, feature="sso", day=DAY, events=4)
    FeatureUsage.objects.create(  # outside the window
        account=healthy[0], feature="api", day=DAY - dt.timedelta(days=90), events=1
    )
    with django_assert_num_queries(1):
        rows = adoption_by_segment(feature="sso", since=DAY - dt.timedelta(days=7), until=DAY)
    assert rows == [
        {
            "segment": "fintech",
            "accounts": 3,
            "adopters": 2,
            "rate": 0.6667,
            "avg_health_adopters": 90.0,
            "avg_health_others": 30.0,
        },
        {
            "segment": "retail",
            "accounts": 1,
            "adopters": 0,
            "rate": 0.0,
            "avg_health_adopters": None,
            "avg_health_others": 50.0,
        },
    ]
    r = adoption_health_correlation(feature="sso", since=DAY - dt.timedelta(days=7), until=DAY)
    assert r > 0.8
    assert adoption_health_correlation(feature="api", until=DAY) is None  # nobody adopted
