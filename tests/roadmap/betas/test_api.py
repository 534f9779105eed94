"""GET /api/v1/cs-product/beta/eligible/{customer_id} and the read-only resources."""

import pytest
from django.urls import reverse

from roadmap.models import BetaParticipant
from tests.factories import AccountFactory

from ..factories import BetaProgramFactory

pytestmark = pytest.mark.django_db


def url(customer_id):
    return reverse("api-beta-eligible", args=[customer_id])


def test_every_open_program_with_eligible_and_reasons(client_for, cs_rep):
    account = AccountFactory(name="Api Co", health_score=62, crm_id="CRM-API")
    strict = BetaProgramFactory(name="Strict", min_health_score=70)
    open_ = BetaProgramFactory(name="Open")
    BetaProgramFactory(name="Draft", status="draft")
    joined = BetaProgramFactory(name="Joined")
    BetaParticipant.objects.create(program=joined, account=account, state="active")
    client = client_for(cs_rep)
    body = client.get(url(account.pk)).json()
    assert body["customer_id"] == account.pk and body["account"] == "Api Co"
    programs = {p["program"]: p for p in body["programs"]}
    assert set(programs) == {"Strict", "Open", "Joined"}
    assert programs["Strict"]["eligible"] is False
    assert programs["Strict"]["rules"][0] == {
        "rule": "min_health",
        "passed": False,
        "reason": "health 62 is below the program's minimum 70",
    }
    assert programs["Open"]["eligible"] is True
    assert programs["Open"]["item_id"] == open_.item_id
    assert programs["Joined"]["participant_state"] == "active"
    assert programs["Joined"]["rules"][-1]["reason"] == "already has a place in the program"
    assert strict.pk == programs["Strict"]["program_id"]
    # The CRM id works as well.
    assert client.get(url("CRM-API")).json()["customer_id"] == account.pk


def test_unknown_account_is_404_json(client_for, cs_rep):
    response = client_for(cs_rep).get(url(999999))
    assert response.status_code == 404
    assert response.json() == {"detail": "No account with that id."}


def test_login_required_and_token_auth(client, cs_rep):
    from rest_framework.authtoken.models import Token

    account = AccountFactory()
    assert client.get(url(account.pk)).status_code in (401, 403)
    token = Token.objects.create(user=cs_rep)
    response = client.get(url(account.pk), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_user_without_role_is_refused(client_for, django_user_model):
    outsider = django_user_model.objects.create_user("nobody", password="x")
    response = client_for(outsider).get(url(AccountFactory().pk))
    assert response.status_code == 403


@pytest.mark.parametrize("size", [2, 12])
def test_api_query_count_is_constant(client_for, cs_rep, size, django_assert_num_queries):
    account = AccountFactory()
    for _ in range(size):
        BetaParticipant.objects.create(program=BetaProgramFactory(), account=AccountFactory())
    client = client_for(cs_rep)
    # session, user, permissions (user, group), account, programs, seats, states, CSM load
    with django_assert_num_queries(9):
        assert client.get(url(account.pk)).status_code == 200


def test_program_resource_filters_by_status(client_for, pm):
    BetaProgramFactory(name="Listed")
    BetaProgramFactory(name="Drafted", status="draft")
    client = client_for(pm)
    programs = client.get(reverse("api-beta-program-list")).json()["results"]
    assert [p["name"] for p in programs] == ["Listed", "Drafted"]
    assert programs[0]["seats_taken"] == 0 and programs[0]["per_csm_cap"] is None
    drafts = client.get(reverse("api-beta-program-list"), {"status": "draft"}).json()
    assert [p["name"] for p in drafts["results"]] == ["Drafted"]
