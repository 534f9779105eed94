"""The item report on the hand-computed data set (see dataset.py): every figure worked by hand."""

import statistics

import pytest

from integrations.connectors.analytics.adoption import item_adoption, wilson_interval
from integrations.connectors.analytics.optimize import recommendations
from roadmap.models import RoadmapItem

from .dataset import KEYS, TODAY, build, d

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(settings):
    settings.ADOPTION_BARRIER_DAYS = 14
    settings.ADOPTION_MIN_SAMPLE = 3
    settings.ADOPTION_MIN_CORRELATION_N = 5
    return build()


def _report(data, **kwargs):
    item = RoadmapItem.objects.get(pk=data["item"].pk)
    return item_adoption(item, today=TODAY, **kwargs)


def test_rates_overall_and_by_tier_segment_band(data):
    r = _report(data)
    assert r["feature_keys"] == KEYS and r["shipped_on"] == d(10, 1)
    assert (r["accounts"], r["adopters"], r["rate"]) == (8, 3, 0.375)  # A1, A2, A5 of A1–A8
    seg = {
        row["segment"]: (row["accounts"], row["adopters"], row["rate"]) for row in r["by_segment"]
    }
    assert seg == {"fintech": (4, 2, 0.5), "retail": (3, 1, 0.3333), "saas": (1, 0, 0.0)}
    tier = {row["tier"]: (row["accounts"], row["adopters"]) for row in r["by_tier"]}
    assert tier == {"enterprise": (3, 2), "mid_market": (3, 0), "smb": (2, 1)}
    band = {row["band"]: (row["accounts"], row["adopters"]) for row in r["by_health_band"]}
    assert band == {"red": (1, 0), "yellow": (3, 1), "green": (4, 2)}


def test_requesters_against_everyone_else(data):
    req = _report(data)["requesters"]
    assert (req["accounts"], req["adopters"], req["rate"]) == (4, 2, 0.5)  # A1–A4
    assert req["others"] == {"accounts": 4, "adopters": 1, "rate": 0.25}  # A5–A8
    ent = next(row for row in req["by_tier"] if row["tier"] == "enterprise")
    assert (ent["requesters"], ent["requester_adopters"], ent["others"], ent["other_adopters"]) == (
        2,
        2,
        1,
        0,
    )


def test_weekly_trend_since_ship(data):
    trend = _report(data)["trend"]
    assert len(trend) == 8  # 10-01 … 11-20 is 51 days: weeks 1–8, the last one partial
    assert [w["ends"] for w in trend][:2] == [d(10, 7), d(10, 14)] and trend[-1]["ends"] == TODAY
    assert [w["requesters"] for w in trend] == [1, 1, 1, 1, 1, 2, 2, 2]  # A2 first used 11-05
    assert [w["others"] for w in trend] == [0, 0, 0, 0, 0, 0, 1, 1]  # A5 first used 11-18
    assert trend[5]["requester_rate"] == 0.5 and trend[6]["other_rate"] == 0.25


def test_barrier_accounts_with_csm_arr_health_and_evidence(data):
    barriers = _report(data)["barriers"]
    assert barriers["window_ends"] == d(10, 15)
    assert [a["name"] for a in barriers["accounts"]] == ["A3", "A4"]  # by ARR, highest first
    a3, a4 = barriers["accounts"]
    assert (a3["arr"], a3["health_score"], a3["csm"]["name"]) == (120000.0, 30, "Riley Rep")
    assert (
        a3["evidence"][0]["kind"] == "ticket" and "Okta login please" in a3["evidence"][0]["text"]
    )
    assert a4["evidence"][0] == {
        "kind": "vote",
        "text": "Security review in Q4 asks for SSO.",
        "by": "Casey Care",
        "on": a4["evidence"][0]["on"],
        "url": a4["evidence"][0]["url"],
    }


def test_no_barriers_before_the_window_passes(data):
    barriers = item_adoption(RoadmapItem.objects.get(), today=d(10, 14))["barriers"]
    assert barriers["accounts"] == [] and barriers["window_ends"] == d(10, 15)


def test_aha_share_and_dropoff(data):
    r = _report(data)
    # 5 uses within 7 days of first use: A1 (3+2 by 10-07) and A5 (6 on 11-18) yes, A2 (1) no.
    assert r["aha"] == {
        "uses": 5,
        "days": 7,
        "adopters": 3,
        "reached": 2,
        "rate": 0.6667,
        "still_in_window": 0,
    }
    # First use at least 7 days ago: A1 (3 days of use) and A2 (one day) → 1 of 2 tried once.
    drop = r["dropoff"]
    assert (drop["adopters"], drop["tried_once"], drop["rate"]) == (2, 1, 0.5)
    assert [a["name"] for a in drop["accounts"]] == ["A2"]


def test_health_correlation_and_too_little_data(data, settings):
    r = _report(data)["health_correlation"]
    expected = statistics.correlation([1, 1, 0, 0, 1, 0, 0, 0], [90, 80, 30, 40, 50, 70, 60, 75])
    assert r["n"] == 8 and r["r"] == pytest.approx(expected, abs=1e-4)
    settings.ADOPTION_MIN_CORRELATION_N = 9
    thin = _report(data)["health_correlation"]
    assert thin["r"] is None and thin["n"] == 8 and "Not enough data" in thin["reason"]


def test_wilson_interval_by_hand():
    # k=1, n=3, z=1.96: centre (1/3 + 0.6402)/2.2805 = 0.4269, half-width 0.3654.
    low, high = wilson_interval(1, 3)
    assert (round(low, 4), round(high, 4)) == (0.0615, 0.7923)
    assert wilson_interval(0, 10)[0] == 0.0


def test_rollout_prediction_per_segment_with_interval(data):
    pred = _report(data)["prediction"]
    # Not adopted on 10-21 (30 days before): fintech A2, A3, A7 (A2 converted), retail A4, A5, A6
    # (A5 converted), saas A8. Still not using: fintech 2, retail 2, saas 1.
    seg = {row["segment"]: row for row in pred["segments"]}
    assert (
        seg["fintech"]["at_risk"],
        seg["fintech"]["converted"],
        seg["fintech"]["remaining"],
    ) == (
        3,
        1,
        2,
    )
    assert seg["retail"]["rate"] == 0.3333 and seg["retail"]["low"] == 0.0615
    assert seg["saas"]["expected"] is None and "Not enough data" in seg["saas"]["reason"]
    assert pred["non_adopters"] == 5 and pred["not_predicted"] == 1
    assert (pred["expected"], pred["low"], pred["high"]) == (1.3, 0.2, 3.2)  # 4×⅓, 4×lo, 4×hi


def test_prediction_needs_thirty_days_of_history(data):
    pred = item_adoption(RoadmapItem.objects.get(), today=d(10, 20))["prediction"]
    assert pred["expected"] is None and "shipped 19 days ago" in pred["reason"]


def test_recommendations_in_words_with_figures(data, settings):
    settings.ADOPTION_LAGGING_RATIO = 0.9  # retail 33% < 0.9 × 37.5%
    settings.ADOPTION_DROPOFF_THRESHOLD = 0.5
    recs = recommendations(_report(data))
    kinds = [r["kind"] for r in recs]
    assert kinds == [
        "lagging_segment",
        "barrier_accounts",
        "barrier_accounts",
        "onboarding_dropoff",
        "rollout_prediction",
    ]
    lag = recs[0]
    assert lag["text"].startswith("retail lags: 1 of 3 active accounts use it (33%) against 38%")
    assert lag["figures"]["segment_adopters"] == 1 and lag["figures"]["overall_accounts"] == 8
    by_csm = {r["figures"]["csm"]: [a["name"] for a in r["accounts"]] for r in recs[1:3]}
    assert by_csm == {"Riley Rep": ["A3"], "Casey Care": ["A4"]}
    assert "1 of 2 adopters (50%)" in recs[3]["text"]
    assert "about 1.3 more adopters" in recs[4]["text"] and "0.2–3.2" in recs[4]["text"]


def test_scope_to_one_segment(data):
    r = _report(data, segment="retail")
    assert (r["accounts"], r["adopters"]) == (3, 1)
    assert [a["name"] for a in r["barriers"]["accounts"]] == ["A4"]


def test_unshipped_and_unmapped_items_say_why(data):
    item = RoadmapItem.objects.get()
    item.status = "in_progress"
    assert "Not shipped yet" in item_adoption(item, today=TODAY)["note"]
    from tests.roadmap.factories import RoadmapItemFactory

    bare = RoadmapItemFactory(status="shipped", shipped_at=item.shipped_at)
    assert "No analytics features are mapped" in item_adoption(bare, today=TODAY)["note"]


def test_report_query_count_is_constant(data, django_assert_num_queries):
    item = RoadmapItem.objects.select_related("adoption_milestone").get()
    # accounts, usage aggregate, aha uses, vote evidence, ticket evidence (+ the keys query, as
    # this item was not loaded with with_feature_keys)
    with django_assert_num_queries(6):
        item_adoption(item, today=TODAY)
