"""The API's write operations: each page action through the same service, with the same role and
object rules (403 with the message), validation as 400 by field, and the answer's shape."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from integrations.models import Connection, Delivery, IntegrationMap, KpiTarget
from roadmap.models import BetaParticipant, Milestone, RoadmapItem
from tests.connectors.factories import ConnectionFactory
from tests.factories import AccountFactory
from tests.maps.factories import SMALL, import_text
from tests.roadmap.factories import BetaProgramFactory, LaunchableItemFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return as_user


# --- Roadmap items ------------------------------------------------------------------------------


def test_pm_creates_edits_and_moves_an_item(api, pm):
    client = api(pm)
    created = client.post(
        "/api/v1/roadmap-items",
        {"title": "SSO", "impact": "2", "feature_keys": ["sso.login"], "owner": pm.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["title"] == "SSO" and body["feature_keys"] == ["sso.login"]
    item = RoadmapItem.objects.get(pk=body["id"])
    assert item.history.first().history_user == pm
    edited = client.patch(f"/api/v1/roadmap-items/{item.pk}", {"effort": "3"}, format="json")
    assert edited.status_code == 200 and edited.json()["effort"] == "3.00"
    moved = client.post(f"/api/v1/roadmap-items/{item.pk}/move", {"status": "shipped"})
    assert moved.status_code == 200 and moved.json()["status"] == "shipped"
    assert moved.json()["shipped_at"] is not None


def test_item_input_errors_are_400_by_field(api, pm):
    client = api(pm)
    bad = client.post("/api/v1/roadmap-items", {"title": "", "effort": "0"}, format="json")
    assert bad.status_code == 400 and {"title", "effort"} <= set(bad.json())
    item = RoadmapItemFactory()
    move = client.post(f"/api/v1/roadmap-items/{item.pk}/move", {"status": "gone"})
    assert move.status_code == 400 and "status" in move.json()
    # The status changes only by a move (the edit form has no status).
    client.patch(f"/api/v1/roadmap-items/{item.pk}", {"status": "shipped"}, format="json")
    item.refresh_from_db()
    assert item.status != "shipped"


def test_reps_read_items_but_do_not_write_them(api, cs_rep):
    item = RoadmapItemFactory()
    client = api(cs_rep)
    assert client.get(f"/api/v1/roadmap-items/{item.pk}").status_code == 200
    assert client.post("/api/v1/roadmap-items", {"title": "x"}).status_code == 403
    assert client.patch(f"/api/v1/roadmap-items/{item.pk}", {"title": "x"}).status_code == 403
    denied = client.post(f"/api/v1/roadmap-items/{item.pk}/move", {"status": "planned"})
    assert denied.status_code == 403 and denied.json()["detail"]
    assert RoadmapItem.objects.get(pk=item.pk).title == item.title


# --- Beta programs and participants ------------------------------------------------------------


def test_pm_creates_and_edits_a_program(api, pm):
    item = RoadmapItemFactory()
    client = api(pm)
    created = client.post(
        "/api/v1/beta-programs",
        {"item": item.pk, "name": "SSO beta", "capacity": 5, "allowed_tiers": ["enterprise"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    program = created.json()
    assert program["pm_owner"] == pm.pk and program["allowed_tiers"] == ["enterprise"]
    edited = client.patch(f"/api/v1/beta-programs/{program['id']}", {"capacity": 0}, format="json")
    assert edited.status_code == 400 and "capacity" in edited.json()
    edited = client.patch(
        f"/api/v1/beta-programs/{program['id']}", {"status": "open"}, format="json"
    )
    assert edited.status_code == 200 and edited.json()["status"] == "open"


def test_nominate_follows_the_object_rule(api, cs_rep, cs_rep_colleague, pm):
    program = BetaProgramFactory()
    mine = AccountFactory(csm_owner=cs_rep)
    theirs = AccountFactory(csm_owner=cs_rep_colleague)
    url = f"/api/v1/beta-programs/{program.pk}/nominate"
    denied = api(cs_rep).post(url, {"account": theirs.pk}, format="json")
    assert denied.status_code == 400
    assert denied.json()["account"] == [
        f"{theirs} is not one of your accounts: you act only on behalf of the accounts you manage."
    ]
    ok = api(cs_rep).post(url, {"account": mine.pk}, format="json")
    assert ok.status_code == 201 and ok.json()["state"] == "nominated"
    again = api(pm).post(url, {"account": mine.pk}, format="json")
    assert again.status_code == 400
    assert BetaParticipant.objects.filter(program=program).count() == 1
    # Reps nominate; they do not move participants along.
    pid = ok.json()["id"]
    moved = api(cs_rep).post(f"/api/v1/beta-participants/{pid}/transition", {"state": "invited"})
    assert moved.status_code == 403


def test_pm_moves_and_completes_a_participant(api, pm):
    program = BetaProgramFactory()
    participant = BetaParticipant.objects.create(
        program=program, account=AccountFactory(), state="nominated"
    )
    client = api(pm)
    base = f"/api/v1/beta-participants/{participant.pk}"
    illegal = client.post(f"{base}/transition", {"state": "completed"}, format="json")
    assert illegal.status_code == 400
    for state in ("invited", "accepted", "active"):
        moved = client.post(f"{base}/transition", {"state": state, "note": "ok"}, format="json")
        assert moved.status_code == 200 and moved.json()["state"] == state
    bad = client.post(f"{base}/complete", {"rating": 9}, format="json")
    assert bad.status_code == 400 and "rating" in bad.json()
    done = client.post(f"{base}/complete", {"rating": 5, "comments": "great"}, format="json")
    assert done.status_code == 200 and done.json()["validation_rating"] == 5


# --- Launch plans and milestones ---------------------------------------------------------------


def test_launch_plan_and_milestones(api, pm, cs_rep):
    item = LaunchableItemFactory()
    assert api(cs_rep).post("/api/v1/launch-plans", {"item": item.pk}).status_code == 403
    client = api(pm)
    created = client.post("/api/v1/launch-plans", {"item": item.pk}, format="json")
    assert created.status_code == 201 and len(created.json()["milestones"]) == 4
    plan_id = created.json()["id"]
    twice = client.post("/api/v1/launch-plans", {"item": item.pk}, format="json")
    assert twice.status_code == 400 and "item" in twice.json()
    launch = item.launch_date + dt.timedelta(days=7)
    moved = client.post(f"/api/v1/launch-plans/{plan_id}/move", {"launch_date": str(launch)})
    assert moved.status_code == 200 and moved.json()["launch_date"] == str(launch)
    far = client.post(f"/api/v1/launch-plans/{plan_id}/move", {"launch_date": "9999-12-31"})
    assert far.status_code == 400 and "launch_date" in far.json()
    freeze = Milestone.objects.get(plan_id=plan_id, key="feature_freeze")
    added = client.post(
        f"/api/v1/launch-plans/{plan_id}/milestones",
        {"name": "Docs", "due_date": str(launch), "depends_on": [freeze.pk]},
        format="json",
    )
    assert added.status_code == 201 and added.json()["depends_on"] == [freeze.pk]
    mid = added.json()["id"]
    ticked = client.post(f"/api/v1/milestones/{mid}/tick", {"done": True}, format="json")
    assert ticked.status_code == 200 and ticked.json()["done"] is True
    new_due = str(launch - dt.timedelta(days=1))
    moved = client.post(f"/api/v1/milestones/{mid}/move", {"due_date": new_due}, format="json")
    assert moved.status_code == 200 and moved.json()["due_date"] == new_due
    assert api(cs_rep).post(f"/api/v1/milestones/{mid}/tick", {"done": False}).status_code == 403


# --- Integration maps ----------------------------------------------------------------------


def test_map_actions_for_admins_only(api, portal_admin, cs_rep):
    imap = import_text(SMALL)[0]
    point = imap.points.first()
    kpi = KpiTarget.objects.create(map=imap, name="Uptime", target="99%", target_value=99)
    admin = api(portal_admin)
    cycle = admin.post(
        f"/api/v1/integration-maps/{imap.pk}/cycle-start", {"cycle_start": "2027-01-04"}
    )
    assert cycle.status_code == 200 and cycle.json()["cycle_start"] == "2027-01-04"
    owner = admin.post(f"/api/v1/integration-points/{point.pk}/owner", {"owner_team": " CS Ops "})
    assert owner.status_code == 200 and owner.json()["owner_team"] == "CS Ops"
    measured = admin.post(f"/api/v1/kpi-targets/{kpi.pk}/measure", {"measured_value": "98.5"})
    assert measured.status_code == 200 and measured.json()["measured_value"] == "98.50"
    rep = api(cs_rep)
    assert (
        rep.post(
            f"/api/v1/integration-maps/{imap.pk}/cycle-start", {"cycle_start": None}, format="json"
        ).status_code
        == 403
    )
    assert (
        rep.post(f"/api/v1/integration-points/{point.pk}/owner", {"owner_team": "x"}).status_code
        == 403
    )
    assert (
        rep.post(f"/api/v1/kpi-targets/{kpi.pk}/measure", {"measured_value": "1"}).status_code
        == 403
    )
    point.refresh_from_db()
    assert point.owner_team == "CS Ops"


def test_map_import_preview_then_apply(api, portal_admin, cs_rep):
    body = {"source_name": "small.md", "text": SMALL}
    assert api(cs_rep).post("/api/v1/integration-map-imports", body).status_code == 403
    client = api(portal_admin)
    unreadable = client.post(
        "/api/v1/integration-map-imports", {"source_name": "x.md", "text": "nothing here"}
    )
    assert unreadable.status_code == 400 and "text" in unreadable.json()
    preview = client.post("/api/v1/integration-map-imports", body, format="json")
    assert preview.status_code == 201, preview.json()
    assert not IntegrationMap.objects.exists()
    pending = preview.json()["id"]
    applied = client.post(f"/api/v1/integration-map-imports/{pending}/apply")
    assert applied.status_code == 200 and applied.json()["points_total"] == 2
    again = client.post(f"/api/v1/integration-map-imports/{pending}/apply")
    assert again.status_code == 400


# --- Connections and deliveries --------------------------------------------------------------


def test_admin_creates_and_edits_a_connection(api, portal_admin, pm):
    body = {
        "name": "Webhook",
        "kind": "webhook",
        "base_url": "https://hooks.example.com/in",
        "settings": {"events": ["item_shipped"]},
    }
    assert api(pm).post("/api/v1/connections", body, format="json").status_code == 403
    client = api(portal_admin)
    created = client.post("/api/v1/connections", body, format="json")
    assert created.status_code == 201, created.json()
    cid = created.json()["id"]
    duplicate = client.post("/api/v1/connections", body, format="json")
    assert duplicate.status_code == 400 and "name" in duplicate.json()
    bad = client.patch(
        f"/api/v1/connections/{cid}", {"credential_env": "NOT A NAME"}, format="json"
    )
    assert bad.status_code == 400 and "credential_env" in bad.json()
    assert Connection.objects.get(pk=cid).credential_env == ""
    edited = client.patch(f"/api/v1/connections/{cid}", {"enabled": False}, format="json")
    assert edited.status_code == 200 and edited.json()["enabled"] is False
    # Its own name is not a duplicate of itself.
    same = client.patch(f"/api/v1/connections/{cid}", {"name": "Webhook"}, format="json")
    assert same.status_code == 200


def test_redeliver_a_dead_delivery(api, portal_admin, pm):
    connection = ConnectionFactory(kind="webhook", base_url="https://hooks.example.com/in")
    from portal.outbox import outbox_record

    event = outbox_record(topic="item_shipped", payload={"item_id": 1})
    delivery = Delivery.objects.create(
        connection=connection, event=event, topic="item_shipped", status="dead"
    )
    assert api(pm).post(f"/api/v1/deliveries/{delivery.pk}/redeliver").status_code == 403
    answer = api(portal_admin).post(f"/api/v1/deliveries/{delivery.pk}/redeliver")
    assert answer.status_code == 202 and answer.json()["status"] in {"pending", "delivered", "dead"}
