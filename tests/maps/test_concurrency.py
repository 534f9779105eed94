"""Ticks and verifications racing on one criterion: the row lock lets exactly one through, and
a re-import racing a tick neither loses the tick nor half-applies the document (PostgreSQL)."""

import pytest

from integrations.maps import services
from integrations.models import AcceptanceCriterion
from tests.factories import PortalAdminFactory
from tests.roadmap.betas.test_concurrency import race

from .factories import SMALL, import_text

THREADS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_ticks_and_verifications_apply_once():
    imap, _ = import_text(SMALL)
    crit = imap.points.get(code="1.1.1").criteria.first()
    admins = [PortalAdminFactory(username=f"race_admin_{i}") for i in range(THREADS)]

    outcomes = race(
        [
            (lambda a=a: services.criterion_tick(criterion=crit, actor=a, evidence_note=a.username))
            for a in admins
        ]
    )
    assert outcomes.count("ok") == 1
    assert all(o.startswith("Already ticked by") for o in outcomes if o != "ok")
    crit.refresh_from_db()
    ticker = crit.done_by
    assert crit.evidence_note == ticker.username

    verifiers = [a for a in admins if a != ticker]
    outcomes = race(
        [(lambda a=a: services.criterion_verify(criterion=crit, actor=a)) for a in verifiers]
    )
    assert outcomes.count("ok") == 1
    assert all(o.startswith("Already verified by") for o in outcomes if o != "ok")
    crit.refresh_from_db()
    assert crit.verified_by in verifiers
    assert crit.history.filter(history_change_reason="Verified").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_tick_racing_a_reimport_is_kept():
    imap, _ = import_text(SMALL)
    admin = PortalAdminFactory(username="race_ticker")
    crit = imap.points.get(code="1.1.1").criteria.first()
    # The new version reorders the criteria, so the import rewrites the ticked row too.
    newer = SMALL.replace(
        "- Accounts imported\n- Owners mapped",
        "- Owners mapped\n- Accounts imported\n- Duplicates merged",
    )
    outcomes = race(
        [
            lambda: services.criterion_tick(criterion=crit, actor=admin, evidence_note="seen"),
            lambda: import_text(newer, name="v2.md"),
        ]
    )
    assert outcomes == ["ok", "ok"]
    crit = AcceptanceCriterion.objects.get(pk=crit.pk)
    assert (crit.done_by, crit.position) == (admin, 1)
    assert imap.points.get(code="1.1.1").criteria.count() == 3
