"""Each KPI on a hand-built data set (tests/kpis/data.py), the empty portal, the page, its CSVs,
its cache and its query count at two data sizes."""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from integrations.connectors.analytics.selectors import adoption_health_correlation
from integrations.kpis.selectors import default_range, feature_health_correlations, kpi_report

from .data import build, build_map


def _kpis():
    since, until = default_range()
    return {k.key: k for k in kpi_report(since=since, until=until, fresh=True)["kpis"]}


@pytest.mark.django_db
def test_empty_portal_says_no_data_yet_without_dividing_by_zero(client_for, pm):
    kpis = _kpis()
    for kpi in kpis.values():
        assert kpi.value is None, kpi.key
        assert kpi.value_label == "no data yet"
        assert kpi.finding.endswith("no data yet")
    response = client_for(pm).get(reverse("integrations:kpis"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("no data yet") >= len(kpis)
    assert "No integration map with KPI targets is imported: no data yet." in page
    csv_response = client_for(pm).get(reverse("integrations:kpi-csv", args=["conversion"]))
    assert csv_response.status_code == 200


@pytest.mark.django_db
def test_each_kpi_on_a_hand_built_portal():
    build()
    kpis = _kpis()
    conversion = kpis["conversion"]
    # Triaged: 3 triaged + 1 shipped + 1 declined; linked: 2 triaged, the shipped, the declined.
    assert (conversion.numerator, conversion.denominator) == (4, 5)
    assert conversion.value_label == "80%" and conversion.met is True
    assert kpis["velocity"].value == pytest.approx(20.0)
    assert kpis["velocity"].numerator == 3
    influence = kpis["influence"]
    assert (influence.numerator, influence.denominator) == (1, 7)
    assert influence.met is False
    alignment = kpis["alignment"]
    assert (alignment.numerator, alignment.denominator) == (2, 4)
    beta = kpis["beta"]
    assert (beta.numerator, beta.denominator) == (2, 3)
    assert beta.value_label == "67%" and beta.met is False
    linkage = kpis["linkage"]
    assert (linkage.numerator, linkage.denominator) == (1, 2)
    loop = kpis["loop"]
    assert (loop.numerator, loop.denominator) == (1, 2)
    assert "Median 1.0 days from ship to the first notice" in loop.note
    assert kpis["criteria"].value is None  # no map imported


@pytest.mark.django_db
def test_linkage_correlation_matches_the_adoption_endpoint():
    build()
    since, until = default_range()
    rows = {r["feature"]: r for r in feature_health_correlations(since, until)}
    for feature in ("reports0", "export0"):
        expected = adoption_health_correlation(feature=feature, since=since, until=until)
        assert rows[feature]["correlation"] == pytest.approx(expected, abs=1e-3)
    assert rows["reports0"]["correlation"] > 0.5 > rows["export0"]["correlation"]


@pytest.mark.django_db
def test_criteria_by_phase_and_map_kpi_history(portal_admin, portal_admin_colleague):
    kpi = build_map(portal_admin)
    criterion = kpi.map.points.first().criteria.first()
    from integrations.maps.services import criterion_tick, criterion_verify

    criterion_tick(criterion=criterion, actor=portal_admin, evidence_note="Demo run.")
    criterion_verify(criterion=criterion, actor=portal_admin_colleague)
    since, until = default_range()
    report = kpi_report(since=since, until=until, fresh=True)
    criteria = next(k for k in report["kpis"] if k.key == "criteria")
    assert criteria.numerator == 1 and criteria.denominator > 1
    row = next(m for m in report["map_kpis"] if m["pk"] == kpi.pk)
    assert [h["value"] for h in row["history"]] == [80.0, 96.0]
    assert row["latest"] == 96.0


@pytest.mark.django_db
def test_page_shows_figures_definitions_charts_tables_and_freshness(client_for, pm):
    build()
    build_map(pm)
    page = client_for(pm).get(reverse("integrations:kpis")).content.decode()
    assert 'conversion</span>: <span class="kpi-value">80%</span>' in page
    assert "4 linked to an item of 5 triaged tickets" in page
    assert "target 70% (seed 003)" in page
    assert 'title="Triaged tickets filed in the range' in page  # definition on hover
    assert page.count("<svg") >= 8 and "<circle" in page and "<rect" in page
    assert "The numbers behind the chart" in page
    assert "Figures computed" in page and "kept for 5 minutes" in page
    assert "Download CSV" in page
    assert "80.0" in page and "96.0" in page  # map KPI history


@pytest.mark.django_db
def test_csv_of_each_chart(client_for, pm):
    build()
    build_map(pm)
    client = client_for(pm)
    for key in ("conversion", "velocity", "influence", "alignment", "beta", "linkage", "loop"):
        response = client.get(reverse("integrations:kpi-csv", args=[key]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert len(rows) > 1, key
    conversion = client.get(reverse("integrations:kpi-csv", args=["conversion"]))
    rows = list(csv.reader(io.StringIO(b"".join(conversion.streaming_content).decode())))
    assert rows[0] == ["week", "linked to an item", "triaged tickets", "conversion"]
    assert sum(int(r[2]) for r in rows[1:]) == 5
    history = client.get(reverse("integrations:kpi-csv", args=["map-kpis"]))
    lines = b"".join(history.streaming_content).decode().splitlines()
    assert len(lines) == 3  # header + two measurements
    assert client.get(reverse("integrations:kpi-csv", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_date_range_filter(client_for, pm):
    build()
    client = client_for(pm)
    old = client.get(reverse("integrations:kpis"), {"since": "2020-01-06", "until": "2020-03-01"})
    assert old.status_code == 200
    assert 'conversion</span>: <span class="kpi-value">no data yet' in old.content.decode()
    bad = client.get(reverse("integrations:kpis"), {"since": "2026-03-01", "until": "2026-01-01"})
    assert "Must not be after the end of the range." in bad.content.decode()


@pytest.mark.django_db
def test_report_is_cached_and_says_how_fresh(client_for, pm):
    since, until = default_range()
    kpi_report(since=since, until=until)
    with CaptureQueriesContext(connection) as ctx:
        kpi_report(since=since, until=until)
    assert len(ctx.captured_queries) == 0
    cache.clear()


@pytest.mark.django_db
def test_every_role_may_see_the_kpi_page_and_anonymous_may_not(
    client, client_for, cs_rep, pm, portal_admin
):
    url = reverse("integrations:kpis")
    assert client.get(url).status_code == 302
    for user in (cs_rep, pm, portal_admin):
        assert client_for(user).get(url).status_code == 200


def _page_queries(client) -> int:
    client.get(reverse("integrations:kpis"))  # the scoring policy row is created once
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("integrations:kpis")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_kpi_page_query_count_is_constant(client_for, pm, django_assert_num_queries):
    build_map(pm)
    build(scale=1)
    client = client_for(pm)
    small = _page_queries(client)
    build(scale=4)  # the users are reused, every other row is repeated four more times
    cache.clear()
    with django_assert_num_queries(small):
        client.get(reverse("integrations:kpis"))
    # From the cache: session, user, the user's two permission sets and the role badges only.
    with django_assert_num_queries(5):
        client.get(reverse("integrations:kpis"))


@pytest.mark.django_db
def test_linkage_counts_shipped_items_once_they_map_features():
    from integrations.kpis.selectors import item_health_correlations
    from roadmap.features import roadmap_item_set_features
    from roadmap.models import RoadmapItem

    build()
    since, until = default_range()
    assert item_health_correlations(since, until) == []  # nothing mapped: per feature instead
    assert "every feature seen" in _kpis()["linkage"].note
    voted = RoadmapItem.objects.get(title="Shipped voted 0")
    roadmap_item_set_features(item=voted, feature_keys=["reports0"])
    linked = RoadmapItem.objects.get(title="Shipped linked 0")
    roadmap_item_set_features(item=linked, feature_keys=["export0", "reports-never-used"])
    by_feature = {r["feature"]: r for r in feature_health_correlations(since, until)}
    rows = {r["feature"]: r for r in item_health_correlations(since, until)}
    assert set(rows) == {"Shipped voted 0", "Shipped linked 0"}
    assert rows["Shipped voted 0"]["correlation"] == by_feature["reports0"]["correlation"]
    assert rows["Shipped linked 0"]["correlation"] == by_feature["export0"]["correlation"]
    assert rows["Shipped voted 0"]["adopters"] == 3
    linkage = _kpis()["linkage"]
    assert (linkage.numerator, linkage.denominator) == (1, 2)
    assert linkage.header[0] == "shipped item" and linkage.note == ""
    assert linkage.numerator_label == "shipped items linked to health"
