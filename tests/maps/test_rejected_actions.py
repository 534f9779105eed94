"""A rejected action re-renders its form (the page, or with htmx the fragment) with the user's
input and the field's own message; nothing is written. And the permission predicates."""

import pytest

from integrations.maps import permissions, services
from integrations.models import IntegrationPoint, KpiTarget

from .factories import SEED_000, SMALL, import_seed, import_text

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def crit(db):
    imap, _ = import_text(SMALL)
    return imap.points.get(code="1.1.1").criteria.get(position=0)


def _post(client, url, data, htmx):
    return client.post(url, data, headers=HTMX if htmx else {})


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_tick_with_a_bad_link_keeps_the_input(crit, client_for, portal_admin, htmx):
    url = f"/integrations/maps/criteria/{crit.pk}/tick/"
    data = {"evidence_note": "CI run", "evidence_url": "not a url"}
    response = _post(client_for(portal_admin), url, data, htmx)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid URL." in html
    assert 'value="not a url"' in html and 'value="CI run"' in html
    assert ("<html" in html) is not htmx  # the fragment, or the whole point page
    if not htmx:
        assert crit.point.title in html and 'id="history"' in html
    crit.refresh_from_db()
    assert not crit.is_done


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_tick_without_evidence_shows_the_services_message(crit, client_for, portal_admin, htmx):
    url = f"/integrations/maps/criteria/{crit.pk}/tick/"
    response = _post(client_for(portal_admin), url, {"evidence_note": "  "}, htmx)
    assert response.status_code == 200
    assert "Add an evidence note or a link" in response.content.decode()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_tick_of_a_ticked_criterion_says_who_ticked_it(
    crit, client_for, portal_admin, portal_admin_colleague, htmx
):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    url = f"/integrations/maps/criteria/{crit.pk}/tick/"
    response = _post(client_for(portal_admin_colleague), url, {"evidence_note": "me too"}, htmx)
    assert response.status_code == 200
    assert f"Already ticked by {portal_admin}" in response.content.decode()


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_verify_by_the_ticker_is_refused_on_the_row(crit, client_for, portal_admin, htmx):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    url = f"/integrations/maps/criteria/{crit.pk}/verify/"
    response = _post(client_for(portal_admin), url, {}, htmx)
    html = response.content.decode()
    assert response.status_code == 200
    assert "you cannot verify it: another admin must check it" in html
    assert f'id="criterion-{crit.pk}"' in html
    crit.refresh_from_db()
    assert crit.verified_at is None


@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_untick_without_a_reason_opens_the_form_with_the_message(
    crit, client_for, portal_admin, htmx
):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    url = f"/integrations/maps/criteria/{crit.pk}/untick/"
    response = _post(client_for(portal_admin), url, {"reason": "   "}, htmx)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<details class="untick" open>' in html
    assert "This field is required." in html or "Say why" in html
    crit.refresh_from_db()
    assert crit.is_done


def test_untick_of_an_unticked_criterion_shows_the_services_message(crit, client_for, portal_admin):
    url = f"/integrations/maps/criteria/{crit.pk}/untick/"
    response = _post(client_for(portal_admin), url, {"reason": "regressed"}, htmx=False)
    assert (
        response.status_code == 200 and "This criterion is not ticked." in response.content.decode()
    )


def test_owner_team_too_long_keeps_the_input_and_the_models_message(client_for, portal_admin):
    imap, _ = import_text(SMALL)
    point = imap.points.get(code="1.1.1")
    limit = IntegrationPoint._meta.get_field("owner_team").max_length
    typed = "T" * (limit + 1)
    response = client_for(portal_admin).post(
        point.get_absolute_url() + "owner/", {"owner_team": typed}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"at most {limit} characters (it has {limit + 1})" in html
    assert f'value="{typed}"' in html
    point.refresh_from_db()
    assert point.owner_team == ""


@pytest.mark.parametrize(
    ("typed", "message"),
    [("many", "Enter a number."), ("1.234", "no more than 2 decimal places")],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "page"])
def test_kpi_measure_rejected_keeps_the_input(client_for, portal_admin, typed, message, htmx):
    imap, _ = import_seed(SEED_000)
    kpi = imap.kpis.first()
    url = f"/integrations/maps/kpis/{kpi.pk}/measure/"
    response = _post(client_for(portal_admin), url, {"measured_value": typed}, htmx)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and f'value="{typed}"' in html and f'id="kpi-{kpi.pk}"' in html
    assert ("<html" in html) is not htmx
    assert KpiTarget.objects.get(pk=kpi.pk).measured_value is None


def test_kpi_measure_with_htmx_returns_the_row(client_for, portal_admin):
    imap, _ = import_seed(SEED_000)
    kpi = imap.kpis.get(name="Product Development Success Rate")
    url = f"/integrations/maps/kpis/{kpi.pk}/measure/"
    response = _post(client_for(portal_admin), url, {"measured_value": "96.5"}, htmx=True)
    html = response.content.decode()
    assert "96.5%" in html and "target met" in html and f'id="kpi-{kpi.pk}"' in html
    assert "<html" not in html


def test_cycle_start_rejected_keeps_the_input(client_for, portal_admin):
    imap, _ = import_text(SMALL)
    response = client_for(portal_admin).post(
        f"/integrations/maps/{imap.pk}/cycle-start/", {"cycle_start": "soon"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a valid date." in html and 'value="soon"' in html
    imap.refresh_from_db()
    assert imap.cycle_start is None


def test_applying_an_import_twice_shows_why_on_the_preview(client_for, portal_admin):
    pending = services.map_import_preview(
        actor=portal_admin, data=SMALL.encode(), source_name="small.md"
    )
    client = client_for(portal_admin)
    assert client.post(pending.get_absolute_url()).status_code == 302
    again = client.post(pending.get_absolute_url())
    assert again.status_code == 200 and "already imported" in again.content.decode()


def test_permission_predicates(crit, portal_admin, portal_admin_colleague, cs_rep):
    assert permissions.can_tick(portal_admin, crit) and not permissions.can_tick(cs_rep, crit)
    assert not permissions.can_verify(portal_admin_colleague, crit)  # not ticked yet
    assert not permissions.can_untick(portal_admin, crit)
    crit = services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    assert not permissions.can_tick(portal_admin_colleague, crit)
    assert not permissions.can_verify(portal_admin, crit)  # the ticker: four eyes
    assert permissions.is_ticker(portal_admin, crit)
    assert permissions.can_verify(portal_admin_colleague, crit)
    assert not permissions.can_verify(cs_rep, crit)
    assert permissions.can_untick(portal_admin_colleague, crit)
    assert not permissions.can_untick(cs_rep, crit)
    crit = services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    assert not permissions.can_verify(portal_admin_colleague, crit)
