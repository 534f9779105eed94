"""``POST /api/v1/cs-product/vote/{feature_id}`` and the roadmap items resource."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from portal.models import OutboxEvent
from roadmap import scoring
from roadmap.models import Vote

from .factories import RoadmapItemFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


def url(item_id):
    return f"/api/v1/cs-product/vote/{item_id}"


def test_new_vote_is_201_and_again_is_200_update(api, cs_rep, account):
    item = RoadmapItemFactory()
    body = {"account": account.pk, "evidence": "Saves 4h/week", "expected_health_impact": "high"}
    first = api(cs_rep).post(url(item.pk), body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["feature_id"] == item.pk
    body["expected_health_impact"] = "low"
    second = api(cs_rep).post(url(item.pk), body, format="json")
    assert second.status_code == 200
    vote = Vote.objects.get()
    assert vote.expected_health_impact == "low"
    assert OutboxEvent.objects.filter(topic="vote_cast").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"evidence": ""}, "evidence"),
        ({"evidence": "   "}, "evidence"),
        ({"evidence": None}, "evidence"),
        ({"account": 999_999}, "account"),
        ({"account": "abc"}, "account"),
        ({"expected_health_impact": "huge"}, "expected_health_impact"),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(api, cs_rep, account, body, field):
    item = RoadmapItemFactory()
    data = {"account": account.pk, "evidence": "ok", "expected_health_impact": "medium", **body}
    response = api(cs_rep).post(url(item.pk), data, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Vote.objects.exists()
    assert not OutboxEvent.objects.filter(topic="vote_cast").exists()


def test_unknown_item_is_404(api, cs_rep, account):
    response = api(cs_rep).post(url(424242), {"account": account.pk, "evidence": "x"})
    assert response.status_code == 404


def test_account_of_a_colleague_is_400_on_account(api, cs_rep_colleague, account):
    item = RoadmapItemFactory()
    response = api(cs_rep_colleague).post(url(item.pk), {"account": account.pk, "evidence": "x"})
    assert response.status_code == 400
    assert "manage" in response.json()["account"][0]


def test_closed_item_refuses_votes(api, cs_rep, account):
    item = RoadmapItemFactory(status="shipped")
    response = api(cs_rep).post(url(item.pk), {"account": account.pk, "evidence": "x"})
    assert response.status_code == 400
    assert "item" in response.json()


def test_pm_and_anonymous_cannot_vote(api, pm, account, client):
    item = RoadmapItemFactory()
    assert api(pm).post(url(item.pk), {"account": account.pk, "evidence": "x"}).status_code == 403
    assert APIClient().post(url(item.pk), {}).status_code in (401, 403)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_for_one_account_make_one_row(cs_rep, account):
    """Eight threads vote at once for one (item, account): one row, one 201, the rest 200."""
    item = RoadmapItemFactory()
    barrier = threading.Barrier(8)
    codes, errors = [], []

    def cast(n):
        try:
            client = APIClient()
            client.force_authenticate(cs_rep)
            barrier.wait()
            body = {"account": account.pk, "evidence": f"evidence {n}"}
            codes.append(client.post(url(item.pk), body, format="json").status_code)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(codes) == [200] * 7 + [201]
    assert Vote.objects.filter(item=item, account=account).count() == 1


def test_items_resource_has_score_rank_breakdown_and_filters(api, cs_rep, account):
    top = RoadmapItemFactory(title="Top one", product_area="analytics")
    RoadmapItemFactory(title="Other", product_area="security")
    VoteFactory(item=top, account=account, rep=cs_rep)
    scoring.priorities_recompute()
    response = api(cs_rep).get("/api/v1/roadmap-items")
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["title"] == "Top one"
    assert first["rank"] == 1
    assert float(first["score"]) > 0
    assert first["score_breakdown"]["accounts"] == 1
    filtered = api(cs_rep).get("/api/v1/roadmap-items?product_area=security").json()
    assert [r["title"] for r in filtered["results"]] == ["Other"]
    tiered = api(cs_rep).get(f"/api/v1/roadmap-items?tier={account.tier}").json()
    assert [r["title"] for r in tiered["results"]] == ["Top one"]


def test_items_resource_query_count_is_constant(api, cs_rep, django_assert_num_queries):
    RoadmapItemFactory.create_batch(3)
    client = api(cs_rep)
    client.get("/api/v1/roadmap-items")  # warm the permission cache
    with django_assert_num_queries(2):  # count + page
        client.get("/api/v1/roadmap-items")
    RoadmapItemFactory.create_batch(40)
    with django_assert_num_queries(2):  # count + page
        client.get("/api/v1/roadmap-items")


def test_schema_documents_the_vote_endpoint(api, cs_rep):
    schema = api(cs_rep).get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/cs-product/vote/{feature_id}" in text
    assert "/api/v1/roadmap-items" in text


def test_withdraw_through_the_api(api, cs_rep, cs_rep_colleague, account):
    vote = VoteFactory(account=account, rep=cs_rep)
    item_url = url(vote.item_id)
    assert api(cs_rep).delete(item_url).status_code == 400
    assert api(cs_rep).delete(f"{item_url}?account=999999").status_code == 404
    assert api(cs_rep_colleague).delete(f"{item_url}?account={account.pk}").status_code == 403
    assert api(cs_rep).delete(f"{item_url}?account={account.pk}").status_code == 204
    assert not Vote.objects.exists()
    assert OutboxEvent.objects.filter(topic="vote_withdrawn").count() == 1
