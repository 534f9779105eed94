"""Health endpoints, the database-down answer and login throttling (issue 15)."""

import pytest
from django.db import connections
from django.test import Client

from tests.factories import CsRepFactory, PortalAdminFactory


@pytest.mark.django_db
def test_healthz_and_readyz_answer_without_login_and_say_nothing_else(client):
    for url in ("/healthz", "/readyz"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert not response.cookies


@pytest.mark.django_db
def test_readyz_names_redis_when_it_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["redis"]}


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_and_recovers_by_itself():
    """The default connection pointed at a port where no PostgreSQL listens, then back."""
    rep = CsRepFactory(username="rep_down")
    page, api = Client(raise_request_exception=False), Client(raise_request_exception=False)
    page.force_login(rep)
    api.force_login(rep)
    connection = connections["default"]
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"
    connection.settings_dict["HOST"] = "127.0.0.1"
    try:
        html = page.get("/feedback/mine/")
        assert html.status_code == 503 and html["Retry-After"]
        assert "Temporarily unavailable" in html.content.decode()
        answer = api.get("/api/v1/feedback-tickets")
        assert answer.status_code == 503
        assert "database is unavailable" in answer.json()["detail"]
        ready = Client().get("/readyz")
        assert ready.status_code == 503 and ready.json()["failing"][0] == "database"
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert page.get("/feedback/mine/").status_code == 200
    assert api.get("/api/v1/feedback-tickets").status_code == 200
    assert Client().get("/readyz").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("login_url", ["/login/", "/admin/login/"])
def test_wrong_passwords_lock_the_login_with_a_clear_message(login_url, settings):
    user = PortalAdminFactory(username="target")
    user.set_password("the-right-one-42")
    user.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login_url, {"username": "target", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(login_url, {"username": "target", "password": "wrong"})
    assert response.status_code == 429
    response = client.post(login_url, {"username": "target", "password": "the-right-one-42"})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(settings):
    user = CsRepFactory(username="forgetful")
    user.set_password("the-right-one-42")
    user.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/login/", {"username": "forgetful", "password": "wrong"})
    assert (
        client.post(
            "/login/", {"username": "forgetful", "password": "the-right-one-42"}
        ).status_code
        == 302
    )
