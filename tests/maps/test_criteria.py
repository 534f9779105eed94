"""Tick, verify (by another admin), un-tick (with a reason): rules, history and permissions."""

import pytest
from django.core.exceptions import ValidationError

from integrations.maps import services
from integrations.models import AcceptanceCriterion

from .factories import SMALL, import_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def crit(db):
    imap, _ = import_text(SMALL)
    return imap.points.get(code="1.1.1").criteria.get(position=0)


def test_tick_needs_evidence(crit, portal_admin):
    with pytest.raises(ValidationError) as caught:
        services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="  ")
    assert "evidence_note" in caught.value.message_dict
    crit.refresh_from_db()
    assert not crit.is_done


def test_verify_by_the_same_admin_is_refused(crit, portal_admin):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    with pytest.raises(ValidationError, match="another admin must check it"):
        services.criterion_verify(criterion=crit, actor=portal_admin)
    crit.refresh_from_db()
    assert crit.verified_at is None


def test_verify_needs_a_tick_and_happens_once(crit, portal_admin, portal_admin_colleague):
    with pytest.raises(ValidationError, match="tick it first"):
        services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    services.criterion_tick(
        criterion=crit, actor=portal_admin, evidence_url="https://ci.test/run/1"
    )
    services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    with pytest.raises(ValidationError, match="Already verified"):
        services.criterion_verify(criterion=crit, actor=portal_admin_colleague)


def test_untick_needs_a_reason_and_clears_verification(crit, portal_admin, portal_admin_colleague):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    services.criterion_verify(criterion=crit, actor=portal_admin_colleague)
    with pytest.raises(ValidationError):
        services.criterion_untick(criterion=crit, actor=portal_admin, reason=" ")
    services.criterion_untick(criterion=crit, actor=portal_admin_colleague, reason="Sync broke")
    crit.refresh_from_db()
    assert (crit.done_at, crit.verified_at, crit.untick_reason) == (None, None, "Sync broke")
    reasons = list(
        crit.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[-3:] == ["Ticked", "Verified", "Unticked: Sync broke"]
    users = list(
        crit.history.order_by("history_date").values_list("history_user__username", flat=True)
    )
    assert users[-3:] == ["admin_a", "admin_b", "admin_b"]


# --- through the pages, with htmx, and by role ----------------------------------------------


def _post(client, crit, action, data=None, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/integrations/maps/criteria/{crit.pk}/{action}/", data or {}, headers=headers
    )


def test_htmx_tick_returns_the_row_and_the_progress(crit, client_for, portal_admin):
    response = _post(client_for(portal_admin), crit, "tick", {"evidence_note": "Export compared"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="criterion-{crit.pk}"' in html and f"Done by {portal_admin}" in html
    assert 'hx-swap-oob="true"' in html and "1/2 done · 0/2 verified" in html
    assert "another admin verifies it" in html  # no verify button for the ticker


def test_htmx_tick_without_evidence_shows_the_message_at_the_field(crit, client_for, portal_admin):
    response = _post(client_for(portal_admin), crit, "tick", {"evidence_note": ""})
    assert "Add an evidence note or a link" in response.content.decode()
    crit.refresh_from_db()
    assert not crit.is_done


def test_same_admin_verify_is_refused_with_a_clear_message(crit, client_for, portal_admin):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    response = _post(client_for(portal_admin), crit, "verify")
    assert response.status_code == 200
    assert "you cannot verify it: another admin must check it" in response.content.decode()
    crit.refresh_from_db()
    assert crit.verified_at is None


def test_colleague_verifies_without_htmx(crit, client_for, portal_admin, portal_admin_colleague):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    response = _post(client_for(portal_admin_colleague), crit, "verify", htmx=False)
    assert response.status_code == 302 and response.url.endswith(f"#criterion-{crit.pk}")
    crit.refresh_from_db()
    assert crit.verified_by == portal_admin_colleague


def test_untick_without_reason_is_refused(crit, client_for, portal_admin):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    response = _post(client_for(portal_admin), crit, "untick", {"reason": ""})
    assert "Say why" in response.content.decode() or "required" in response.content.decode()
    crit.refresh_from_db()
    assert crit.is_done


@pytest.mark.parametrize("role", ["cs_rep", "pm"])
@pytest.mark.parametrize("action", ["tick", "verify", "untick"])
def test_outsiders_may_read_but_not_change(request, crit, client_for, portal_admin, role, action):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="done")
    client = client_for(request.getfixturevalue(role))
    assert client.get(crit.point.get_absolute_url()).status_code == 200
    response = _post(client, crit, action, {"evidence_note": "x", "reason": "x"})
    assert response.status_code == 403
    fresh = AcceptanceCriterion.objects.get(pk=crit.pk)
    assert (fresh.is_done, fresh.is_verified) == (True, False)


def test_point_page_shows_history_and_hides_actions_from_readers(
    crit, client_for, portal_admin, cs_rep
):
    services.criterion_tick(criterion=crit, actor=portal_admin, evidence_note="Export compared")
    services.criterion_untick(criterion=crit, actor=portal_admin, reason="Wrong export")
    html = client_for(cs_rep).get(crit.point.get_absolute_url()).content.decode()
    assert "Unticked: Wrong export" in html and "Ticked" in html
    assert "criterion-tick" not in html and 'name="evidence_note"' not in html


def test_document_links_with_script_schemes_are_not_links(client_for, cs_rep):
    text = SMALL.replace("[Data Framework](/docs/data)", "[Data Framework](javascript:alert(1))")
    imap, _ = import_text(text)
    html = client_for(cs_rep).get(imap.points.get(code="1.1.1").get_absolute_url()).content.decode()
    assert 'href="/docs/cs"' in html
    assert (
        'href="javascript' not in html
        and "Data Framework <small>(javascript:alert(1)</small>" in html
    )
