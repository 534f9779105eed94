"""Found when probed: reachable server errors. A tampered account value in the feedback, join and
beta-check forms, out-of-range ids and deeply nested or oversized JSON on the API each answer 400
(JSON on the API, the form with its message on pages), never a 500."""

import pytest
from django.test import Client
from django.urls import reverse

from feedback.models import FeedbackTicket
from tests.feedback.factories import TicketFactory
from tests.roadmap.factories import BetaProgramFactory

pytestmark = pytest.mark.django_db
BIG = "99999999999999999999"


@pytest.fixture
def page_client(cs_rep):
    client = Client(raise_request_exception=False)
    client.force_login(cs_rep)
    return client


@pytest.mark.parametrize("value", ["abc", BIG, "-1", "1e5"])
def test_a_tampered_account_in_the_forms_is_a_field_error(page_client, cs_rep, account, value):
    ticket = TicketFactory(account=account, submitter=cs_rep)
    program = BetaProgramFactory()
    mine = "Choose one of your accounts: you act only on behalf of the accounts you manage."
    for method, url, message in (
        ("post", reverse("feedback:create"), mine),
        ("post", reverse("feedback:join", args=[ticket.pk]), mine),
        ("get", reverse("roadmap:beta-check", args=[program.pk]), "Select a valid choice"),
    ):
        response = getattr(page_client, method)(url, {"account": value, "title": "Export"})
        assert response.status_code in (200, 400, 422), (url, response.status_code)
        assert message in response.content.decode(), url
    assert FeedbackTicket.objects.count() == 1


# --- The API ---------------------------------------------------------------------------------


@pytest.fixture
def rep_api(cs_rep):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=cs_rep)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


SUBMIT = "/api/v1/cs-product/feedback"


def submit_body(account, **extra):
    return {
        "account": account.pk,
        "title": "Bulk export",
        "description": "Finance exports every report by hand.",
        "category": "feature_request",
        "impact": "high",
        "source": "call",
        **extra,
    }


def post_json(client, url, body):
    import json

    raw = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, raw, content_type="application/json")


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/feedback-tickets/{BIG}",
        f"/api/v1/roadmap-items/{BIG}",
        f"/api/v1/cs-product/feedback/status/{BIG}",
        f"/api/v1/feedback-tickets?account={BIG}",
        f"/api/v1/beta-participants?program={BIG}",
    ],
)
def test_out_of_range_ids_in_urls_and_filters_never_fail(rep_api, url):
    response = rep_api.get(url)
    assert response.status_code in (200, 400, 404)
    assert response["Content-Type"].startswith("application/json")


def test_out_of_range_ids_in_bodies_are_400(rep_api, account):
    response = post_json(rep_api, SUBMIT, {**submit_body(account), "account": int(BIG)})
    assert response.status_code == 400 and "account" in response.json()
    response = post_json(rep_api, f"/api/v1/cs-product/vote/{BIG}", {"account": account.pk})
    assert response.status_code == 404 and response.json()["detail"]


def test_deeply_nested_json_is_a_json_400(rep_api):
    for depth in (40, 100_000):
        response = post_json(rep_api, SUBMIT, "[" * depth + "]" * depth)
        assert response.status_code == 400
        assert "nested too deeply" in response.json()["detail"]


def test_a_too_large_body_is_a_json_400(rep_api, account, settings):
    body = submit_body(account, description="x" * int(5.5 * 1024 * 1024))
    response = post_json(rep_api, SUBMIT, body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "larger than" in response.json()["detail"]
    assert not FeedbackTicket.objects.exists()


def test_unknown_fields_are_refused_by_name(rep_api, account):
    response = post_json(rep_api, SUBMIT, submit_body(account, status="shipped", pwn=1))
    assert response.status_code == 400
    body = response.json()
    assert body["pwn"] == ["Unknown field: this operation does not take it."]
    assert "status" in body
    assert not FeedbackTicket.objects.exists()


def test_text_limits_hold_in_the_api_the_form_and_the_schema(rep_api, page_client, account):
    long = "x" * 20_001
    response = post_json(rep_api, SUBMIT, submit_body(account, description=long))
    assert response.status_code == 400
    assert "no more than 20000 characters" in str(response.json()["description"])
    form = page_client.post(
        reverse("feedback:create"),
        {**submit_body(account, description=long), "product_area": ""},
    )
    assert "at most 20000 characters" in str(form.context["form"].errors["description"])
    assert not FeedbackTicket.objects.exists()
    schema = rep_api.get("/api/v1/schema?format=json").json()["components"]["schemas"]
    submit = [v for k, v in schema.items() if k.startswith("FeedbackSubmit")]
    assert submit and submit[0]["properties"]["description"]["maxLength"] == 20_000
    vote = [v for k, v in schema.items() if k.startswith("VoteInput")]
    assert vote and vote[0]["properties"]["evidence"]["maxLength"] > 0


def test_a_missing_or_bad_token_is_401_with_a_challenge():
    client = Client(raise_request_exception=False)
    for headers in ({}, {"HTTP_AUTHORIZATION": "Token not-a-token"}):
        response = client.get("/api/v1/feedback-tickets", **headers)
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"


def test_session_auth_keeps_csrf(cs_rep, account):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(cs_rep)
    response = post_json(client, SUBMIT, submit_body(account))
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


@pytest.fixture
def pm_api(pm):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=pm)
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token.key}")


def test_json_booleans_are_true_or_false_only(pm_api):
    program = BetaProgramFactory(feedback_commitment_required=True)
    url = f"/api/v1/beta-programs/{program.pk}"
    response = pm_api.patch(
        url, {"feedback_commitment_required": 0}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["feedback_commitment_required"] == ["Must be true or false."]
    program.refresh_from_db()
    assert program.feedback_commitment_required is True
    ok = pm_api.patch(url, {"feedback_commitment_required": False}, content_type="application/json")
    assert ok.status_code == 200, ok.content


def test_a_blank_date_parameter_is_refused_not_ignored(pm_api):
    program = BetaProgramFactory()
    url = f"/api/v1/cs-product/adoption/{program.item_id}"
    response = pm_api.get(url, {"until": ""})
    assert response.status_code == 400
    assert response.json()["until"] == ["Give a value or leave the parameter out."]
    assert pm_api.get(url).status_code == 200


def test_a_blank_list_filter_is_refused_but_blank_search_is_not(pm_api):
    response = pm_api.get("/api/v1/feature-usage", {"until": ""})
    assert response.status_code == 400
    assert response.json()["until"] == ["Give a value or leave the parameter out."]
    assert pm_api.get("/api/v1/feature-usage", {"until": "2026-01-01"}).status_code == 200


def test_a_blank_range_end_and_a_non_boolean_flag_are_refused(pm_api):
    response = pm_api.get("/api/v1/feedback-tickets", {"created_before": ""})
    assert response.status_code == 400
    assert response.json()["created_before"] == ["Give a value or leave the parameter out."]
    flag = pm_api.get("/api/v1/accounts", {"mine": "null"})
    assert flag.status_code == 400
    assert flag.json()["mine"] == ["Give true or false."]
    assert pm_api.get("/api/v1/accounts", {"mine": "true"}).status_code == 200
    ok = pm_api.get("/api/v1/feedback-tickets", {"created_before": "2026-01-01"})
    assert ok.status_code == 200


def test_json_text_fields_take_strings_only(pm_api):
    program = BetaProgramFactory(allowed_segments=["saas"])
    url = f"/api/v1/beta-programs/{program.pk}"
    for body in ({"allowed_segments": [0]}, {"allowed_tiers": [1]}):
        response = pm_api.patch(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert list(response.json()) == list(body)
    program.refresh_from_db()
    assert program.allowed_segments == ["saas"]
    # A single text field takes a string too: 0 is not stored as "0".
    response = pm_api.patch(url, {"name": 0}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["name"] == ["Must be text (a JSON string)."]
    program.refresh_from_db()
    assert program.name != "0"
    renamed = pm_api.patch(url, {"name": "Renamed beta"}, content_type="application/json")
    assert renamed.status_code == 200, renamed.content
