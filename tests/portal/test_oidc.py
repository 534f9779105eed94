"""Sign-in with the company's identity provider: a local OpenID Connect provider (discovery,
JWKS, token and userinfo endpoints on pytest-httpserver, RS256-signed ID tokens) and the portal
configured against it. The role comes from the group claim; password login stays."""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug import Response

from portal import oidc
from tests.factories import CsRepFactory

pytestmark = pytest.mark.django_db

CLIENT_ID = "portal"
CLIENT_SECRET = "portal-secret"


class LocalProvider:
    """A small OpenID provider: it signs what the test tells it the person is."""

    def __init__(self, httpserver):
        self.server = httpserver
        self.issuer = httpserver.url_for("").rstrip("/")
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.nonce = ""
        self.audience = CLIENT_ID
        self.token_requests: list = []
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        httpserver.expect_request("/.well-known/openid-configuration").respond_with_json(
            {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
            }
        )
        httpserver.expect_request("/jwks").respond_with_json(
            {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}
        )
        httpserver.expect_request("/token", method="POST").respond_with_handler(self._token)
        httpserver.expect_request("/userinfo").respond_with_handler(
            lambda request: Response(json.dumps(self.claims), content_type="application/json")
        )

    def _token(self, request):
        self.token_requests.append(request.form.to_dict())
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": self.issuer,
                "aud": self.audience,
                "sub": self.claims.get("email", "x"),
                "iat": now,
                "exp": now + 300,
                "nonce": self.nonce,
                **self.claims,
            },
            self.key,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        body = {"access_token": "at-1", "token_type": "Bearer", "id_token": id_token}
        return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def provider(httpserver, settings):
    oidc._documents.clear()
    oidc._failed_at.clear()
    local = LocalProvider(httpserver)
    settings.OIDC_ISSUER = local.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ROLE_GROUPS = {"product_manager": "Product"}
    yield local
    oidc._documents.clear()


def sign_in(client, provider, claims):
    provider.claims = claims
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    target = urlparse(start.url)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.issuer}/authorize"
    query = parse_qs(target.query)
    assert query["client_id"] == [CLIENT_ID] and "openid" in query["scope"][0]
    provider.nonce = query["nonce"][0]
    return client.get("/oidc/callback/", {"code": "code-1", "state": query["state"][0]})


def test_a_person_signs_in_with_the_role_from_the_group_claim(client, provider):
    login_page = client.get("/login/")
    assert b"Sign in with your company account" in login_page.content
    done = sign_in(
        client,
        provider,
        {"email": "pat@example.com", "given_name": "Pat", "groups": ["Product", "Everyone"]},
    )
    assert done.status_code == 302 and done.url == "/"
    assert provider.token_requests[0]["code"] == "code-1"
    home = client.get("/")
    assert home.status_code == 200
    user = home.wsgi_request.user
    assert user.email == "pat@example.com" and user.first_name == "Pat"
    assert set(user.groups.values_list("name", flat=True)) == {"product_manager"}
    assert not user.has_usable_password()


def test_the_next_sign_in_brings_the_roles_up_to_date(client, provider):
    sign_in(client, provider, {"email": "sam@example.com", "groups": ["Product"]})
    client.logout()
    sign_in(client, provider, {"email": "sam@example.com", "groups": ["cs_rep"]})
    user = client.get("/").wsgi_request.user
    assert set(user.groups.values_list("name", flat=True)) == {"cs_rep"}


def test_no_portal_role_in_the_claims_is_refused(client, provider):
    done = sign_in(client, provider, {"email": "eve@example.com", "groups": ["Everyone"]})
    assert done.status_code == 302 and done.url == "/login/"
    assert client.get("/").status_code == 302  # still anonymous


def test_a_token_for_another_client_is_refused(client, provider):
    provider.audience = "someone-else"
    done = sign_in(client, provider, {"email": "pat@example.com", "groups": ["Product"]})
    assert done.url == "/login/"
    assert client.get("/").status_code == 302


def test_password_login_stays_and_needs_no_provider(client, settings):
    settings.OIDC_ISSUER = ""
    user = CsRepFactory(username="pw_rep2")
    user.set_password("pw-secret-123")
    user.save()
    page = client.get("/login/")
    assert b"company account" not in page.content
    assert client.get("/oidc/authenticate/").status_code == 404
    done = client.post("/login/", {"username": "pw_rep2", "password": "pw-secret-123"})
    assert done.status_code == 302 and done.url == "/"


def test_a_provider_that_does_not_answer_sends_people_to_the_password_login(client, settings):
    oidc._documents.clear()
    oidc._failed_at.clear()
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    answer = client.get("/oidc/authenticate/")
    assert answer.status_code == 302 and answer.url == "/login/"
    oidc._failed_at.clear()
