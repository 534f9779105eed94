"""Every map model has a working admin (list, search, change page with inlines, history)."""

import pytest
from django.urls import reverse

from integrations.maps import services
from integrations.models import (
    AcceptanceCriterion,
    FrameworkLink,
    IntegrationMap,
    IntegrationPoint,
    KpiTarget,
    MapGroup,
    MapSection,
    PendingMapImport,
    Phase,
)

from .factories import SEED_000, import_seed

pytestmark = pytest.mark.django_db

MODELS = [
    IntegrationMap,
    MapSection,
    MapGroup,
    Phase,
    IntegrationPoint,
    AcceptanceCriterion,
    FrameworkLink,
    KpiTarget,
    PendingMapImport,
]


@pytest.fixture
def data(portal_admin):
    imap, _ = import_seed(SEED_000)
    services.map_import_preview(actor=portal_admin, data=SEED_000.read_bytes(), source_name="x.md")
    return imap


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_admin_pages(client_for, portal_admin, data, model):
    client = client_for(portal_admin)
    info = (model._meta.app_label, model._meta.model_name)
    assert (
        client.get(reverse("admin:{}_{}_changelist".format(*info)) + "?q=Product").status_code
        == 200
    )
    obj = model.objects.first()
    assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200


def test_point_admin_shows_history(client_for, portal_admin, data):
    point = data.points.first()
    response = client_for(portal_admin).get(
        reverse("admin:integrations_integrationpoint_history", args=[point.pk])
    )
    assert response.status_code == 200 and "Imported from" in response.content.decode()


def test_four_eyes_fields_are_read_only_in_the_admin(client_for, portal_admin, data):
    crit = AcceptanceCriterion.objects.filter(point__map=data).first()
    client = client_for(portal_admin)
    url = reverse("admin:integrations_acceptancecriterion_change", args=[crit.pk])
    page = client.get(url).content.decode()
    assert 'name="done_by"' not in page and 'name="verified_at"' not in page
    response = client.post(url, {"text": "x", "done_by": portal_admin.pk, "position": 0})
    assert response.status_code == 403
    crit.refresh_from_db()
    assert (crit.done_by, crit.done_at) == (None, None)


def test_admin_changes_only_the_owner_team_and_through_the_service(client_for, portal_admin, data):
    point = data.points.get(code="1.1.1")
    client = client_for(portal_admin)
    url = reverse("admin:integrations_integrationpoint_change", args=[point.pk])
    page = client.get(url).content.decode()
    assert 'name="owner_team"' in page and 'name="title"' not in page and 'name="code"' not in page
    inlines = {
        f"{prefix}-{name}": 0
        for prefix in ("criteria", "links")
        for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    response = client.post(
        url, {"owner_team": "Platform", "title": "Renamed", "archived": "on", **inlines}
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.owner_team, point.archived) == ("Platform", False)
    assert point.title != "Renamed"
    latest = point.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        portal_admin,
        "Owner team set to Platform",
    )


def test_admin_sets_cycle_start_and_kpi_through_the_services(client_for, portal_admin, data):
    client = client_for(portal_admin)
    url = reverse("admin:integrations_integrationmap_change", args=[data.pk])
    inlines = {
        f"{prefix}-{name}": 0
        for prefix in ("sections", "phases", "kpis")
        for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    response = client.post(url, {"cycle_start": "2026-03-02", "title": "Renamed", **inlines})
    assert response.status_code == 302
    data.refresh_from_db()
    assert str(data.cycle_start) == "2026-03-02" and data.title != "Renamed"
    kpi = data.kpis.first()
    url = reverse("admin:integrations_kpitarget_change", args=[kpi.pk])
    assert client.post(url, {"measured_value": "12.5", "target": "x"}).status_code == 302
    kpi.refresh_from_db()
    assert (str(kpi.measured_value), kpi.measured_by, kpi.target) == (
        "12.50",
        portal_admin,
        kpi.target,
    )
    assert kpi.target != "x"


def test_admin_cannot_add_or_delete_structure(client_for, portal_admin, data):
    client = client_for(portal_admin)
    assert client.get(reverse("admin:integrations_integrationpoint_add")).status_code == 403
    point = data.points.first()
    assert (
        client.get(
            reverse("admin:integrations_integrationpoint_delete", args=[point.pk])
        ).status_code
        == 403
    )


def test_admin_deletes_a_map_through_the_service(client_for, portal_admin, data):
    url = reverse("admin:integrations_integrationmap_delete", args=[data.pk])
    response = client_for(portal_admin).post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not IntegrationMap.objects.filter(pk=data.pk).exists()
    assert not IntegrationPoint.objects.filter(map_id=data.pk).exists()


def test_no_revert_through_the_read_only_criterion_history(
    client_for, portal_admin, portal_admin_colleague, data
):
    """simple_history saves a POSTed past version without asking has_change_permission: on the
    criteria's read-only admin that wrote "ticked by"/"verified by" around the four-eyes rule."""
    crit = AcceptanceCriterion.objects.filter(point__map=data).first()
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="seen")
    version = crit.history.first()
    services.criterion_untick(criterion=crit, actor=portal_admin, reason="not yet")
    url = reverse(
        "admin:integrations_acceptancecriterion_simple_history", args=[crit.pk, version.pk]
    )
    client = client_for(portal_admin)
    assert client.get(url).status_code == 200  # a past version may be looked at
    response = client.post(
        url,
        {
            "point": crit.point_id,
            "text": "Rewritten",
            "position": 0,
            "done_by": portal_admin.pk,
            "verified_by": portal_admin_colleague.pk,
            "done_at_0": "2026-01-01",
            "done_at_1": "10:00",
            "verified_at_0": "2026-01-01",
            "verified_at_1": "10:00",
        },
    )
    assert response.status_code == 403
    crit.refresh_from_db()
    assert (crit.done_by, crit.verified_by, crit.text) == (None, None, version.text)
