"""The maps API: read maps and filtered points; tick / verify / untick with the same rules."""

import pytest

from .factories import SMALL, import_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def imap(db):
    return import_text(SMALL)[0]


def test_maps_and_points_for_readers(client_for, cs_rep, imap, django_assert_max_num_queries):
    client = client_for(cs_rep)
    maps = client.get("/api/v1/integration-maps").json()
    assert maps["results"][0]["points_total"] == 2
    assert maps["results"][0]["phases"][0]["name"] == "Foundation"
    with django_assert_max_num_queries(12):
        points = client.get(f"/api/v1/integration-maps/{imap.pk}/points?status=not_started").json()
    assert [p["code"] for p in points["results"]] == ["1.1.1", "1.1.2"]
    first = points["results"][0]
    assert (first["flow_from"], first["phase"], first["criteria_total"]) == ("CRM", 1, 2)
    assert first["links"][0] == {"name": "CS Framework", "target": "/docs/cs"}
    bad = client.get(f"/api/v1/integration-maps/{imap.pk}/points?status=nope")
    assert bad.status_code == 400 and "status" in bad.json()


def test_tick_verify_untick(client, portal_admin, portal_admin_colleague, imap):
    crit = imap.points.get(code="1.1.1").criteria.first()
    url = f"/api/v1/integration-criteria/{crit.pk}"
    client.force_login(portal_admin)
    missing = client.post(
        f"{url}/tick", {"evidence_url": "not a url"}, content_type="application/json"
    )
    assert missing.status_code == 400 and "evidence_url" in missing.json()
    empty = client.post(f"{url}/tick", {}, content_type="application/json")
    assert empty.status_code == 400 and "evidence_note" in empty.json()
    ok = client.post(f"{url}/tick", {"evidence_note": "seen"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["done"] is True
    same = client.post(f"{url}/verify")
    assert same.status_code == 400 and "another admin" in same.json()[0]
    client.force_login(portal_admin_colleague)
    assert client.post(f"{url}/verify").json()["verified"] is True
    no_reason = client.post(f"{url}/untick", {}, content_type="application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    done = client.post(f"{url}/untick", {"reason": "regressed"}, content_type="application/json")
    assert done.json()["untick_reason"] == "regressed" and done.json()["done"] is False


@pytest.mark.parametrize("role", ["cs_rep", "pm"])
def test_readers_cannot_tick(request, client_for, imap, role):
    crit = imap.points.first().criteria.first()
    client = client_for(request.getfixturevalue(role))
    response = client.post(
        f"/api/v1/integration-criteria/{crit.pk}/tick",
        {"evidence_note": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    crit.refresh_from_db()
    assert not crit.is_done
