"""Portal-side settings of a map: cycle start, owner team, KPI measurements; admins only."""

import datetime
from decimal import Decimal

import pytest

from .factories import SEED_000, SMALL, import_seed, import_text

pytestmark = pytest.mark.django_db


def test_admin_sets_the_cycle_start_and_due_dates_follow(client_for, portal_admin):
    imap, _ = import_text(SMALL)
    client = client_for(portal_admin)
    response = client.post(
        f"/integrations/maps/{imap.pk}/cycle-start/", {"cycle_start": "2026-03-02"}
    )
    assert response.url == imap.get_absolute_url()
    imap.refresh_from_db()
    assert imap.cycle_start == datetime.date(2026, 3, 2)
    html = client.get(imap.get_absolute_url()).content.decode()
    assert "due 2026-03-15" in html and "due 2026-03-29" in html
    client.post(f"/integrations/maps/{imap.pk}/cycle-start/", {"cycle_start": "soon"})
    imap.refresh_from_db()
    assert imap.cycle_start == datetime.date(2026, 3, 2)


def test_admin_sets_an_owner_team_with_history(client_for, portal_admin):
    imap, _ = import_text(SMALL)
    point = imap.points.get(code="1.1.1")
    client_for(portal_admin).post(
        f"/integrations/maps/points/{point.pk}/owner/", {"owner_team": "Data"}
    )
    point.refresh_from_db()
    assert point.owner_team == "Data"
    latest = point.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        portal_admin,
        "Owner team set to Data",
    )


def test_kpi_measured_value_against_target(client_for, portal_admin, cs_rep):
    imap, _ = import_seed(SEED_000)
    kpi = imap.kpis.get(name="Product Development Success Rate")
    other = imap.kpis.get(name="Platform Adoption Success")
    client = client_for(portal_admin)
    client.post(f"/integrations/maps/kpis/{kpi.pk}/measure/", {"measured_value": "96.5"})
    client.post(f"/integrations/maps/kpis/{other.pk}/measure/", {"measured_value": "68"})
    kpi.refresh_from_db()
    assert (kpi.measured_value, kpi.measured_by, kpi.met) == (Decimal("96.5"), portal_admin, True)
    html = client_for(cs_rep).get(imap.get_absolute_url()).content.decode()
    assert "96.5%" in html and "target met" in html
    assert "68%" in html and "80% of target" in html  # 68 of 85
    assert 'name="measured_value"' not in html  # readers see, do not record


@pytest.mark.parametrize("role", ["cs_rep", "pm"])
def test_readers_cannot_change_settings(request, client_for, role):
    imap, _ = import_seed(SEED_000)
    client = client_for(request.getfixturevalue(role))
    point, kpi = imap.points.first(), imap.kpis.first()
    assert (
        client.post(
            f"/integrations/maps/{imap.pk}/cycle-start/", {"cycle_start": "2026-01-05"}
        ).status_code
        == 403
    )
    assert (
        client.post(f"/integrations/maps/points/{point.pk}/owner/", {"owner_team": "X"}).status_code
        == 403
    )
    assert (
        client.post(
            f"/integrations/maps/kpis/{kpi.pk}/measure/", {"measured_value": "1"}
        ).status_code
        == 403
    )
    imap.refresh_from_db()
    point.refresh_from_db()
    kpi.refresh_from_db()
    assert (imap.cycle_start, point.owner_team, kpi.measured_value) == (None, "", None)


def test_outsider_without_a_role_sees_nothing(client, django_user_model):
    imap, _ = import_text(SMALL)
    client.force_login(django_user_model.objects.create_user("nobody", password="x"))
    assert client.get("/integrations/maps/").status_code == 403
    assert client.get(imap.get_absolute_url()).status_code == 403
    assert client.get(f"/integrations/maps/{imap.pk}/export.md").status_code == 403
