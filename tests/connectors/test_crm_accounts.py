"""The CRM sync writes accounts only through ``portal.services`` (upsert and the missing flag),
with history, and asks for a priority recompute when a score input (tier, ARR, health, CSM) of an
existing account changes — not for other fields, not for new accounts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from integrations.connectors.services import webhook_receipt_record
from portal.models import Account
from portal.services import account_upsert, accounts_flag_missing_from_crm
from roadmap import scoring
from roadmap.models import ScoringDirtyItem, ScoringState
from tests.factories import AccountFactory, CsRepFactory

from .test_crm import company, serve_list

pytestmark = pytest.mark.django_db


def dirty() -> bool:
    return scoring.priorities_pending()


def clear_dirty() -> None:
    ScoringState.objects.filter(pk=1).update(dirty_since=None)
    ScoringDirtyItem.objects.all().delete()


def test_account_upsert_creates_updates_and_reports_the_changed_fields(pm):
    account, created, changed = account_upsert(crm_id="C1", actor=pm, name="Acme", arr="10.50")
    assert created and changed == {"name", "arr"}
    assert account.arr == Decimal("10.50") and account.history.first().history_user == pm

    rep = CsRepFactory(username="rep_x")
    again, created, changed = account_upsert(
        crm_id="C1", name="Acme", arr="10.50", csm_owner_id=rep.pk, tier="enterprise"
    )
    assert again.pk == account.pk and not created
    assert changed == {"csm_owner", "tier"}
    assert account.history.count() == 2

    same = account_upsert(crm_id="C1", name="Acme", arr=Decimal("10.5"))
    assert same[1:] == (False, set())
    assert account.history.count() == 2  # nothing written


def test_account_upsert_validates():
    with pytest.raises(ValidationError) as exc:
        account_upsert(crm_id="C2", name="Acme", health_score=101)
    assert "health_score" in exc.value.message_dict
    assert not Account.objects.filter(crm_id="C2").exists()


def test_flag_missing_is_recorded_in_the_history():
    kept, gone = AccountFactory(crm_id="K"), AccountFactory(crm_id="G")
    local = AccountFactory(crm_id=None)
    assert accounts_flag_missing_from_crm(seen_crm_ids=["K"]) == 1
    assert accounts_flag_missing_from_crm(seen_crm_ids=["K"]) == 0  # flagged once
    gone.refresh_from_db()
    assert gone.crm_missing_since and gone.history.first().crm_missing_since
    for account in (kept, local):
        account.refresh_from_db()
        assert account.crm_missing_since is None


@pytest.mark.parametrize(
    ("change", "recompute"),
    [
        ({"arr": "999999"}, True),
        ({"tier": "smb"}, True),
        ({"health": "12"}, True),
        ({}, False),  # the same values: nothing to recompute
    ],
)
def test_a_score_input_change_requests_a_recompute(crm, httpserver, run_sync, change, recompute):
    CsRepFactory(username="rep_a")
    serve_list(httpserver, [[company(1)]])
    assert run_sync(crm).created == 1
    clear_dirty()  # a new account has no votes: whatever the first run did, start clean
    httpserver.clear()
    crm.cursor = {}
    crm.save()
    serve_list(httpserver, [[company(1, **change)]])
    run = run_sync(crm)
    assert run.failed == 0, run.error
    assert dirty() is recompute


def test_a_segment_change_alone_requests_no_recompute(crm, httpserver, run_sync):
    serve_list(httpserver, [[company(1)]])
    run_sync(crm)
    clear_dirty()
    httpserver.clear()
    crm.cursor = {}
    crm.save()
    other = company(1)
    other["properties"]["industry"] = "retail"
    serve_list(httpserver, [[other]])
    assert run_sync(crm).updated == 1
    assert Account.objects.get(crm_id="1001").segment == "retail"
    assert not dirty()


def test_a_webhook_receipt_is_recorded_once(jira):
    assert webhook_receipt_record(connection=jira, delivery_id="d-1", event="jira:issue_updated")
    assert not webhook_receipt_record(connection=jira, delivery_id="d-1", event="x")


def test_a_mapped_renewal_property_sets_the_renewal_date(crm, httpserver, run_sync):
    import datetime as dt

    properties = {**crm.settings["properties"], "renewal_on": "contract_renewal_date"}
    crm.settings = {**crm.settings, "properties": properties}
    crm.save()
    on_date, on_epoch, unknown, wrong = company(1), company(2), company(3), company(4)
    on_date["properties"]["contract_renewal_date"] = "2027-03-31"
    on_epoch["properties"]["contract_renewal_date"] = "1798761600000"  # 2027-01-01T00:00Z
    wrong["properties"]["contract_renewal_date"] = "next spring"
    serve_list(httpserver, [[on_date, on_epoch, unknown, wrong]])
    run = run_sync(crm)
    assert run.created == 3 and run.failed == 1
    renewals = dict(Account.objects.values_list("crm_id", "renewal_on"))
    assert renewals == {"1001": dt.date(2027, 3, 31), "1002": dt.date(2027, 1, 1), "1003": None}
    asked = httpserver.log[0][0].args["properties"].split(",")
    assert "contract_renewal_date" in asked


def test_without_a_mapping_no_renewal_is_read(crm, httpserver, run_sync):
    record = company(1)
    record["properties"]["contract_renewal_date"] = "2027-03-31"
    serve_list(httpserver, [[record]])
    run_sync(crm)
    assert Account.objects.get(crm_id="1001").renewal_on is None
    assert "contract_renewal_date" not in httpserver.log[0][0].args["properties"]
