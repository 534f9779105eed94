import datetime as dt
import json
import statistics

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from integrations.connectors.analytics.insights import adoption_insights_record
from integrations.connectors.analytics.selectors import (
    adoption_by_segment,
    adoption_health_correlation,
)
from integrations.connectors.outbound.messages import envelope, slack_text
from integrations.connectors.tasks import adoption_insights_daily
from integrations.models import AdoptionInsight, ConnectionKind, Delivery, FeatureUsage
from portal.choices import LifecycleStage
from portal.models import OutboxEvent
from portal.outbox import outbox_relay_batch
from tests.factories import AccountFactory, UserFactory

from .factories import ConnectionFactory

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


# --- GET /api/v1/cs-product/adoption/{feature_id} -------------------------------------------

SINCE, UNTIL = DAY - dt.timedelta(days=6), DAY
FEATURE = "Report Exported.v2-beta_x"  # dots, dashes, underscores and a space
URL = "/api/v1/cs-product/adoption/Report%20Exported.v2-beta_x"


@pytest.fixture
def usage(db):
    """Fintech: 2 of 3 adopted (health 90, 90 vs 30); retail: 1 of 2 (60 vs 40); a churned
    account that used it is not counted; one use before the window and one with 0 events."""
    fin = [AccountFactory(segment="fintech", health_score=h) for h in (90, 90, 30)]
    retail = [AccountFactory(segment="retail", health_score=h) for h in (60, 40)]
    churned = AccountFactory(segment="retail", lifecycle_stage=LifecycleStage.CHURNED)
    for account in (fin[0], fin[1], retail[0], churned):
        FeatureUsage.objects.create(account=account, feature=FEATURE, day=DAY, events=3)
    FeatureUsage.objects.create(account=fin[2], feature=FEATURE, day=SINCE - ONE_DAY, events=9)
    FeatureUsage.objects.create(account=retail[1], feature=FEATURE, day=DAY, events=0)
    FeatureUsage.objects.create(account=fin[2], feature="sso", day=DAY, events=1)
    return {"fintech": fin, "retail": retail}


ONE_DAY = dt.timedelta(days=1)


def window(since=SINCE, until=UNTIL):
    return {"since": since.isoformat(), "until": until.isoformat()}


@pytest.mark.django_db
def test_adoption_endpoint_rates_segments_and_correlation(usage, client_for, pm):
    response = client_for(pm).get(URL, window())
    assert response.status_code == 200
    body = response.json()
    assert body["feature"] == FEATURE
    assert body["window"] == {"since": "2026-11-14", "until": "2026-11-20"}
    assert (body["accounts"], body["adopters"], body["rate"]) == (5, 3, 0.6)
    assert [(s["segment"], s["accounts"], s["adopters"], s["rate"]) for s in body["segments"]] == [
        ("fintech", 3, 2, 0.6667),
        ("retail", 2, 1, 0.5),
    ]
    assert body["segments"][1]["avg_health_adopters"] == 60.0
    assert body["segments"][1]["avg_health_others"] == 40.0
    # Pearson over (adopted, health) of the five active accounts, computed independently.
    expected = statistics.correlation([1, 1, 0, 1, 0], [90, 90, 30, 60, 40])
    assert body["health_correlation"] == pytest.approx(expected, abs=1e-4)

    # A wider window takes in the earlier use: fintech is then 3 of 3.
    wider = client_for(pm).get(URL, window(since=SINCE - 3 * ONE_DAY)).json()
    assert (wider["adopters"], wider["segments"][0]["rate"]) == (4, 1.0)


@pytest.mark.django_db
def test_adoption_endpoint_default_window_is_the_last_30_days(client_for, cs_rep):
    today = timezone.localdate()
    account = AccountFactory()
    FeatureUsage.objects.create(account=account, feature="sso", day=today, events=1)
    body = client_for(cs_rep).get("/api/v1/cs-product/adoption/sso").json()
    assert body["window"]["until"] == today.isoformat()
    assert body["window"]["since"] == (today - dt.timedelta(days=30)).isoformat()
    assert (body["adopters"], body["rate"], body["health_correlation"]) == (1, 1.0, None)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "20-11-2026"}, "since"),
        ({"since": "2026-11-21", "until": "2026-11-20"}, "since"),
    ],
)
def test_adoption_endpoint_bad_dates_400_naming_the_field(usage, client_for, pm, params, field):
    response = client_for(pm).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_adoption_endpoint_404_for_a_feature_never_used(usage, client_for, pm):
    assert client_for(pm).get("/api/v1/cs-product/adoption/no.such-feature").status_code == 404
    # Used, but not in this window: 200 with zero adopters, not 404.
    empty = client_for(pm).get("/api/v1/cs-product/adoption/sso", window(until=SINCE))
    assert empty.status_code == 200 and empty.json()["adopters"] == 0


@pytest.mark.django_db
def test_adoption_endpoint_auth_and_roles(usage, client, cs_rep, pm, portal_admin):
    assert client.get(URL).status_code in (401, 403)  # anonymous
    outsider = UserFactory(username="no_role")
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    client.logout()
    for user in (cs_rep, pm, portal_admin):
        token = Token.objects.create(user=user)
        response = APIClient().get(URL, window(), HTTP_AUTHORIZATION=f"Token {token.key}")
        assert response.status_code == 200 and response.json()["adopters"] == 3
    bad_token = APIClient().get(URL, HTTP_AUTHORIZATION="Token wrong")
    assert bad_token.status_code in (401, 403)  # 403: session auth comes first in settings


@pytest.mark.django_db
@pytest.mark.parametrize("extra_accounts", [0, 20])
def test_adoption_endpoint_query_count_is_constant(
    usage, client_for, pm, django_assert_num_queries, extra_accounts
):
    for i in range(extra_accounts):
        account = AccountFactory(segment=f"segment-{i % 5}")
        FeatureUsage.objects.create(account=account, feature=FEATURE, day=DAY, events=1)
    client = client_for(pm)
    # session, user, permissions (2), usage exists, segments, correlation pairs
    with django_assert_num_queries(7):
        assert client.get(URL, window()).status_code == 200


def test_adoption_endpoint_is_in_the_schema(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/cs-product/adoption/{feature_id}"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"feature_id", "since", "until"}


# --- the daily adoption_insight event -------------------------------------------------------


@pytest.mark.django_db
def test_adoption_insights_one_event_per_feature_and_idempotent_per_day(
    usage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        recorded = adoption_insights_record(since=SINCE, until=UNTIL)
    assert sorted(i.feature for i in recorded) == [FEATURE, "sso"]
    events = OutboxEvent.objects.filter(topic="adoption_insight")
    assert events.count() == 2

    payload = events.get(payload__feature=FEATURE).payload
    assert payload["window"] == {"since": "2026-11-14", "until": "2026-11-20"}
    assert (payload["accounts"], payload["adopters"], payload["rate"]) == (5, 3, 0.6)
    assert payload["segments"] == [
        {"segment": "fintech", "accounts": 3, "adopters": 2, "rate": 0.6667},
        {"segment": "retail", "accounts": 2, "adopters": 1, "rate": 0.5},
    ]
    expected = statistics.correlation([1, 1, 0, 1, 0], [90, 90, 30, 60, 40])
    assert payload["health_correlation"] == pytest.approx(expected, abs=1e-4)
    assert payload["summary"] == (
        "adopted by 3 of 5 active accounts (60%), 2026-11-14 to 2026-11-20; "
        f"by segment: fintech 67%, retail 50%; correlation with health {expected:+.2f}"
    )
    assert payload["url"] == URL
    insight = AdoptionInsight.objects.get(feature=FEATURE)
    assert insight.day == timezone.localdate() and insight.event.payload == payload

    # A second run the same day (say, a redelivered task) writes nothing.
    with django_capture_on_commit_callbacks(execute=False):
        assert adoption_insights_record(since=SINCE, until=UNTIL) == []
        assert adoption_insights_record() == []
    assert events.count() == 2 and AdoptionInsight.objects.count() == 2


@pytest.mark.django_db
def test_adoption_insights_skip_features_unused_in_the_window(
    usage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        recorded = adoption_insights_record(since=SINCE - 5 * ONE_DAY, until=SINCE - ONE_DAY)
    assert [i.feature for i in recorded] == [FEATURE]  # only the early use lies in that window


@pytest.mark.django_db
def test_adoption_insight_becomes_a_webhook_delivery_and_a_readable_slack_message(
    usage, django_capture_on_commit_callbacks
):
    hook = ConnectionFactory(
        kind=ConnectionKind.WEBHOOK,
        base_url="https://hooks.example.com/receive",
        secret_env="CONNECTOR_TEST_OUTBOUND_SECRET",
        settings={"events": ["adoption_insight"]},
    )
    slack = ConnectionFactory(
        kind=ConnectionKind.SLACK,
        base_url="https://hooks.slack.example.com/services/T/B/X",
        settings={"events": ["adoption_insight"]},
    )
    other = ConnectionFactory(
        kind=ConnectionKind.WEBHOOK,
        base_url="https://other.example.com/receive",
        settings={"events": ["item_shipped"]},
    )
    with django_capture_on_commit_callbacks(execute=False):
        adoption_insights_record(since=SINCE, until=UNTIL)
    outbox_relay_batch()  # what the relay task does

    deliveries = Delivery.objects.filter(topic="adoption_insight")
    assert deliveries.filter(connection=hook).count() == 2
    assert deliveries.filter(connection=slack).count() == 2
    assert not Delivery.objects.filter(connection=other).exists()
    event = OutboxEvent.objects.get(payload__feature=FEATURE)
    body = json.loads(envelope(event))
    assert body["topic"] == "adoption_insight" and body["data"]["rate"] == 0.6
    text = slack_text(event)
    assert text.startswith(f"*Adoption insight*: {FEATURE}\nsummary: adopted by 3 of 5")
    assert text.endswith(URL)


@pytest.mark.django_db
def test_adoption_insights_daily_task(eager_celery_here, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    account = AccountFactory()
    FeatureUsage.objects.create(account=account, feature="sso", day=today, events=2)
    FeatureUsage.objects.create(account=account, feature="old", day=today - 40 * ONE_DAY, events=2)
    with django_capture_on_commit_callbacks(execute=False):
        assert adoption_insights_daily.delay().get() == 1
        assert adoption_insights_daily.delay().get() == 0  # redelivered: nothing more
    assert list(AdoptionInsight.objects.values_list("feature", "day")) == [("sso", today)]
