"""Access for systems and scripts: OAuth2 client credentials with scopes (a client acts as its
service user, within the scope each operation declares), people's own expiring API tokens, and
per-client throttles with Retry-After."""

import base64
import datetime as dt
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.utils import timezone
from oauth2_provider.models import get_application_model
from rest_framework.test import APIClient

from portal.apiaccess import services
from portal.apiaccess.models import ApiClient, ApiToken
from portal.apiaccess.scopes import SCOPES, required_scope
from tests.factories import AccountFactory, CsRepFactory
from tests.roadmap.factories import RoadmapItemFactory

from .matrix_cases import api_cases
from .world import build_world

pytestmark = pytest.mark.django_db
Application = get_application_model()


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def register_client(user, scopes, **extra):
    app = Application.objects.create(
        name="CS platform",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret="s3cret-s3cret",
        hash_client_secret=True,
    )
    client = services.api_client_save(
        client=ApiClient(application=app, service_user=user, scopes=scopes, **extra)
    )
    return app, client


def token_for(app, scope: str | None = None):
    basic = base64.b64encode(f"{app.client_id}:s3cret-s3cret".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return APIClient().post(
        "/o/token/",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )


def bearer(access_token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client


def test_client_credentials_act_as_the_service_user_within_their_scopes(cs_rep):
    account = AccountFactory(csm_owner=cs_rep)
    app, registration = register_client(cs_rep, ["feedback:write", "feedback:read"])
    answer = token_for(app, "feedback:write feedback:read")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert set(body["scope"].split()) == {"feedback:write", "feedback:read"}
    client = bearer(body["access_token"])
    filed = client.post(
        "/api/v1/cs-product/feedback",
        {
            "account": account.pk,
            "title": "From the CS platform",
            "description": "Needs SSO",
            "category": "feature_request",
            "impact": "high",
            "source": "other",
        },
        format="json",
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["submitter"] == cs_rep.pk  # the service user files it
    # Outside its scopes: refused with the scope named, whatever the user's role allows.
    votes = client.post(
        f"/api/v1/cs-product/vote/{RoadmapItemFactory().pk}",
        {"account": account.pk, "evidence": "x"},
        format="json",
    )
    assert votes.status_code == 403
    assert votes.json()["detail"] == "This token's scopes do not include roadmap:vote."
    assert client.get("/api/v1/roadmap-items").status_code == 403
    registration.refresh_from_db()
    assert registration.last_used_at is not None


def test_a_client_gets_only_the_scopes_it_was_registered_for(cs_rep):
    app, _ = register_client(cs_rep, ["feedback:read"])
    assert token_for(app, "feedback:write").status_code == 400  # invalid_scope
    default = token_for(app)
    assert default.status_code == 200 and default.json()["scope"] == "feedback:read"
    bad_secret = APIClient().post(
        "/o/token/",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION="Basic " + base64.b64encode(f"{app.client_id}:nope".encode()).decode(),
    )
    assert bad_secret.status_code == 401


def test_the_role_still_decides_within_the_scope(cs_rep):
    app, _ = register_client(cs_rep, ["roadmap:write", "roadmap:read"])
    client = bearer(token_for(app).json()["access_token"])
    assert client.get("/api/v1/roadmap-items").status_code == 200
    assert client.post("/api/v1/roadmap-items", {"title": "x"}, format="json").status_code == 403


def test_a_bad_bearer_token_is_refused(cs_rep):
    assert bearer("not-a-token").get("/api/v1/roadmap-items").status_code in (401, 403)


def test_unknown_scopes_and_rates_are_refused_at_registration(cs_rep):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        register_client(cs_rep, ["feedback:everything"])
    with pytest.raises(ValidationError):
        register_client(cs_rep, ["feedback:read"], throttle_rate="lots")


def test_every_api_operation_declares_its_scope():
    """Each operation of the schema names a known scope (so OAuth2 clients can be granted it)."""
    from django.urls import resolve

    world = build_world()
    undeclared = []
    for case in api_cases(world):
        if not case.path.startswith("/api/v1/") or "hooks/" in case.path:
            continue
        match = resolve(case.path.split("?")[0])
        view_class = getattr(match.func, "cls", None)
        if (
            view_class is None
            or "schema" in (match.url_name or "")
            or match.url_name
            in {
                "api-docs",
                "api-root",
            }
        ):
            continue
        view = view_class()
        actions = getattr(match.func, "actions", None)
        if actions:
            view.action = actions.get(case.method.lower())
        scope = required_scope(view, case.method)
        if scope not in SCOPES:
            undeclared.append(f"{case.key}: {scope}")
    assert undeclared == []


def test_per_client_throttle_answers_429_with_retry_after(cs_rep):
    app, _ = register_client(cs_rep, ["roadmap:read"], throttle_rate="2/min")
    client = bearer(token_for(app).json()["access_token"])
    assert [client.get("/api/v1/roadmap-items").status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/roadmap-items")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    # Another client has its own budget.
    other_app, _ = register_client(CsRepFactory(), ["roadmap:read"], throttle_rate="2/min")
    other_app.name = "Data pipeline"
    assert (
        bearer(token_for(other_app).json()["access_token"]).get("/api/v1/roadmap-items").status_code
        == 200
    )


# --- People's API tokens --------------------------------------------------------------------


def test_a_user_creates_uses_and_revokes_a_token(client_for, cs_rep):
    page = client_for(cs_rep)
    created = page.post("/me/tokens/", {"name": "weekly export", "days": "30"})
    assert created.status_code == 200
    key = created.context["new_key"]
    assert key and key.encode() in created.content
    token = ApiToken.objects.get(user=cs_rep)
    assert token.digest != key and token.expires_at > timezone.now() + dt.timedelta(days=29)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/roadmap-items").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    listed = page.get("/me/tokens/")
    assert b"weekly export" in listed.content and key.encode() not in listed.content
    assert page.post(f"/me/tokens/{token.pk}/revoke").status_code == 302
    assert api.get("/api/v1/roadmap-items").status_code in (401, 403)


def test_an_expired_token_no_longer_works_and_others_cannot_revoke(client_for, cs_rep):
    token, key = services.api_token_create(user=cs_rep, name="old", days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/roadmap-items").status_code in (401, 403)
    other = client_for(CsRepFactory(username="someone_else"))
    assert other.post(f"/me/tokens/{token.pk}/revoke").status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_token_form_errors_are_shown(client_for, cs_rep):
    answer = client_for(cs_rep).post("/me/tokens/", {"name": "", "days": "9999"})
    assert answer.status_code == 422
    assert set(answer.context["form"].errors) == {"name", "days"}
    assert not ApiToken.objects.exists()
