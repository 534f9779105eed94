"""The importer on the two seed documents: counts, flows, links, phases, KPIs, checklists."""

import pytest

from integrations.models import AcceptanceCriterion, IntegrationPoint, Phase

from .factories import SEED_000, SEED_001, import_seed

pytestmark = pytest.mark.django_db


def test_seed_000_points_criteria_phases():
    imap, report = import_seed(SEED_000)
    assert imap.title == "Developer-Product Integration Map"
    assert imap.metadata["parent"] == "Developer Cross-Domain Integration"
    assert imap.metadata["nav_order"] == "3"
    assert ["Level", "Level 4 - Cross-Domain Integration"] in imap.properties
    assert imap.points.count() == 23
    assert AcceptanceCriterion.objects.filter(point__map=imap).count() == 92
    assert all(p.criteria.count() == 4 for p in imap.points.all())
    assert list(imap.phases.values_list("number", "name", "week_start", "week_end")) == [
        (1, "Development-Product Foundation", 1, 2),
        (2, "Product Excellence", 3, 4),
        (3, "Adoption Coordination", 5, 6),
        (4, "Performance Integration", 7, 8),
    ]
    assert report.created and len(report.points_added) == 23
    assert [s.title for s in imap.sections.all()] == [
        "Product Development Coordination Excellence",
        "Developer Feedback Integration",
        "Platform Adoption Acceleration",
        "Performance Tracking Coordination",
    ]


def test_seed_000_point_details():
    imap, _ = import_seed(SEED_000)
    point = imap.points.get(code="1.2.3")
    assert point.title == "Product Launch Coordination"
    assert (point.flow_from, point.flow_to) == ("Product Launch", "Developer Platform Readiness")
    assert point.protocol.startswith("Synchronized product launch coordination")
    assert point.section.title == "Product Development Coordination Excellence"
    assert (point.group.code, point.group.title) == ("1.2", "Product Excellence Protocols")
    assert [c.text for c in point.criteria.all()] == [
        "Product launch coordination framework implemented",
        "Synchronized readiness protocols established and deployed",
        "Objective alignment systems activated",
        "Launch coordination validation completed and optimized",
    ]
    assert list(point.links.values_list("name", "target")) == [
        ("Developer Operations Framework", "/docs/business/developer/operations"),
        ("Product Strategy Framework", "/docs/business/product/strategy"),
    ]
    assert not point.criteria.filter(done_at__isnull=False).exists()


def test_seed_000_phase_membership():
    imap, _ = import_seed(SEED_000)
    members = {
        phase.number: sorted(phase.points.values_list("code", flat=True))
        for phase in Phase.objects.filter(map=imap)
    }
    assert members == {
        1: ["1.1.1", "1.1.2", "1.1.3", "1.2.1"],
        2: ["1.2.2", "1.2.3", "2.1.1", "2.1.2"],
        3: ["2.1.3", "2.2.1", "2.2.2", "2.2.3"],
        4: ["3.1.1", "3.1.2", "3.1.3", "4.1.1"],
    }
    unphased = IntegrationPoint.objects.filter(map=imap, phase=None).values_list("code", flat=True)
    assert sorted(unphased) == ["3.2.1", "3.2.2", "3.2.3", "4.1.2", "4.1.3", "4.2.1", "4.2.2"]


def test_seed_000_kpi_targets():
    imap, _ = import_seed(SEED_000)
    kpis = {k.name: k for k in imap.kpis.all()}
    assert len(kpis) == 8
    rate = kpis["Product Development Success Rate"]
    assert (rate.target, rate.target_value, rate.unit) == ("95% achievement target", 95, "%")
    assert rate.heading == "Success Validation Framework"


def test_seed_001_checklists_become_points():
    imap, report = import_seed(SEED_001)
    assert imap.title == "Product Systems Integration Map"
    assert imap.metadata == {}
    points = list(imap.points.all())
    assert [(p.code, p.title) for p in points] == [
        ("integration-effectiveness-criteria", "Integration Effectiveness Criteria"),
        ("integration-performance-metrics", "Integration Performance Metrics"),
        ("business-value-validation", "Business Value Validation"),
    ]
    assert {p.section.title for p in points} == {"Acceptance Criteria and Success Metrics"}
    assert all(p.criteria.count() == 5 for p in points)
    assert points[1].criteria.first().text.startswith("95% successful feature adoption tracking")
    assert imap.phases.count() == 0
    # The closing "Document Classification" lines after the rule are not the last point's.
    assert points[2].extra_fields == []
    assert report.totals == {"points": 3, "criteria": 15, "phases": 0, "kpis": 0}
