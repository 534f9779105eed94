"""The contract of GET cs-product/adoption/{feature_id} (item id or raw key) and POST optimize."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from integrations.models import FeatureUsage
from roadmap.features import roadmap_item_set_features
from tests.factories import AccountFactory, UserFactory
from tests.roadmap.factories import RoadmapItemFactory

from .dataset import SHIPPED_AT, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(settings):
    settings.ADOPTION_MIN_SAMPLE = 3
    return build()


def api(user=None, token=False):
    client = APIClient()
    if token:
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}"
        )
    elif user:
        client.force_authenticate(user)
    return client


def url(feature_id):
    return f"/api/v1/cs-product/adoption/{feature_id}"


def test_item_id_answers_item_adoption(data, pm):
    body = api(pm).get(url(data["item"].pk), {"until": "2026-11-20"}).json()
    assert body["feature"] == str(data["item"].pk)
    assert body["item"]["title"] == "Okta SSO"
    assert body["feature_keys"] == ["sso.login", "sso.setup"]
    assert body["shipped_on"] == "2026-10-01"
    assert body["window"] == {"since": "2026-10-01", "until": "2026-11-20"}
    assert (body["accounts"], body["adopters"], body["rate"]) == (8, 3, 0.375)
    assert body["requesters"]["adopters"] == 2
    assert [a["name"] for a in body["barriers"]["accounts"]] == ["A3", "A4"]
    assert len(body["trend"]) == 8


def test_since_narrows_the_window_adopters(data, pm):
    # Last use on or after 11-10: A2 (11-05) no, A1 (10-20) no, A5 (11-18) yes.
    body = api(pm).get(url(data["item"].pk), {"since": "2026-11-10", "until": "2026-11-20"})
    assert body.json()["adopters"] == 1


def test_raw_key_still_answers_the_per_key_summary(data, pm):
    body = api(pm).get(url("sso.login"), {"since": "2026-10-01", "until": "2026-11-20"}).json()
    assert body["feature"] == "sso.login" and "segments" in body
    assert body["adopters"] == 2  # A1, A5 used sso.login in the window (A9 churned)


def test_mapped_item_without_usage_is_200_with_zero_and_a_note(pm):
    item = RoadmapItemFactory(status="shipped", shipped_at=SHIPPED_AT)
    roadmap_item_set_features(item=item, feature_keys=["never.used"])
    AccountFactory()
    body = api(pm).get(url(item.pk)).json()
    assert (body["adopters"], body["rate"]) == (0, 0.0)
    assert body["note"] == "Mapped, but no usage of its features since it shipped yet."


def test_neither_item_nor_key_is_404(pm):
    FeatureUsage.objects.create(account=AccountFactory(), feature="reports", day=SHIPPED_AT.date())
    assert api(pm).get(url(999999)).status_code == 404
    assert api(pm).get(url("no.such-key")).status_code == 404


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-13-01"}, "since"),
        ({"until": "soon"}, "until"),
        ({"since": "2026-11-21", "until": "2026-11-20"}, "since"),
    ],
)
def test_bad_dates_are_400_naming_the_field(data, pm, params, field):
    response = api(pm).get(url(data["item"].pk), params)
    assert response.status_code == 400 and field in response.json()


def test_roles_and_token(data, cs_rep, pm, portal_admin):
    for user in (cs_rep, pm, portal_admin):
        assert api(user).get(url(data["item"].pk)).status_code == 200
    assert api(UserFactory(username="norole")).get(url(data["item"].pk)).status_code == 403
    assert api().get(url(data["item"].pk)).status_code in (401, 403)
    assert api(cs_rep, token=True).get(url(data["item"].pk)).status_code == 200
    optimize = api(cs_rep, token=True).post(
        "/api/v1/cs-product/optimize", {"feature_id": data["item"].pk}, format="json"
    )
    assert optimize.status_code == 200
    nobody = api(UserFactory(username="norole2")).post(
        "/api/v1/cs-product/optimize", {"feature_id": data["item"].pk}, format="json"
    )
    assert nobody.status_code == 403


OPTIMIZE = "/api/v1/cs-product/optimize"


def test_optimize_answers_recommendations_with_figures_and_accounts(data, pm):
    body = api(pm).post(OPTIMIZE, {"feature_id": data["item"].pk}, format="json").json()
    assert body["feature_id"] == data["item"].pk
    assert body["summary"]["requesters"] == 4 and body["summary"]["requester_adopters"] == 2
    kinds = [r["kind"] for r in body["recommendations"]]
    assert "barrier_accounts" in kinds and kinds[-1] == "rollout_prediction"
    barrier = next(r for r in body["recommendations"] if r["kind"] == "barrier_accounts")
    assert barrier["accounts"][0]["evidence"] and barrier["figures"]["accounts"] == 1
    assert all(r["text"] and isinstance(r["figures"], dict) for r in body["recommendations"])


def test_optimize_scoped_to_a_segment(data, pm):
    body = (
        api(pm)
        .post(OPTIMIZE, {"feature_id": str(data["item"].pk), "segment": "retail"}, format="json")
        .json()
    )
    assert body["scope"] == {"segment": "retail", "beta_program": None}
    assert (body["summary"]["accounts"], body["summary"]["adopters"]) == (3, 1)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "feature_id"),
        ({"feature_id": "sso.login"}, "feature_id"),
        ({"feature_id": "9" * 20_000}, "feature_id"),  # found by schemathesis: was a 500
        ({"feature_id": "²"}, "feature_id"),
        ({"feature_id": str(2**63)}, "feature_id"),
        ({"feature_id": 1, "segment": "no-such-segment"}, "segment"),
        ({"feature_id": 1, "beta_program": 424242}, "beta_program"),
        ({"feature_id": 1, "beta_program": "x"}, "beta_program"),
    ],
)
def test_optimize_400_names_the_field(data, pm, payload, field):
    response = api(pm).post(OPTIMIZE, payload, format="json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_optimize_404_for_no_such_item(data, pm):
    assert api(pm).post(OPTIMIZE, {"feature_id": 987654}, format="json").status_code == 404


@pytest.mark.parametrize("extra_accounts", [0, 40])
def test_api_query_counts_are_constant(data, pm, extra_accounts, django_assert_num_queries):
    for _ in range(extra_accounts):
        account = AccountFactory(segment="retail")
        FeatureUsage.objects.create(account=account, feature="sso.login", day=SHIPPED_AT.date())
    client = api(pm)
    client.get(url(data["item"].pk))  # warm the permission cache
    # item (+keys, milestone), accounts, usage aggregate, aha uses, vote and ticket evidence
    with django_assert_num_queries(6):
        assert client.get(url(data["item"].pk), {"until": "2026-11-20"}).status_code == 200
    with django_assert_num_queries(6):
        client.post(OPTIMIZE, {"feature_id": data["item"].pk}, format="json")


def test_schema_documents_both_endpoints(pm):
    schema = api(pm).get("/api/v1/schema", {"format": "json"}).json()
    adoption = schema["paths"]["/api/v1/cs-product/adoption/{feature_id}"]["get"]
    assert "roadmap item id" in adoption["parameters"][0]["description"]
    assert set(adoption["responses"]) >= {"200", "400", "404"}
    assert set(schema["paths"]["/api/v1/cs-product/optimize"]["post"]["responses"]) >= {
        "200",
        "400",
        "404",
    }
