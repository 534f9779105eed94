"""Jira's JWT-signed webhooks: webhooks an app registers through the REST API
(``POST /rest/api/3/webhook``) are not signed with ``X-Hub-Signature``; Jira sends a JWT in
the ``Authorization`` header instead — ``JWT <token>`` for Connect apps, ``Bearer <token>`` for
OAuth 2.0 apps — signed with HS256 by the app's shared secret (Connect) or client secret (OAuth
2.0).

Checked here, following Atlassian's "Understanding JWT for Connect apps": the HS256 signature with
the connection's secret, ``exp`` (required, a minute of leeway) and ``iat``; the issuer when the
connection names one (``jwt_issuer``, the Connect app's client key); and the query-string hash
``qsh`` when it is not ``context-qsh``: SHA-256 (hex) of ``METHOD&path&sorted-query``.
"""

import hashlib
import warnings
from urllib.parse import parse_qsl, quote

import jwt

LEEWAY_SECONDS = 60


def bearer_token(header: str) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() in ("jwt", "bearer") and token.strip():
        return token.strip()
    return None


def _encode(value: str) -> str:
    return quote(value, safe="~-._")


def canonical_request(method: str, path: str, query: str) -> str:
    """Atlassian's canonical request: the upper-case method, the path (no trailing slash, ``&``
    encoded) and the query parameters other than ``jwt``, sorted, values of a repeated parameter
    sorted and joined with commas, all percent-encoded (RFC 3986)."""
    path = path.rstrip("/") or "/"
    path = path.replace("&", "%26")
    grouped: dict[str, list[str]] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key != "jwt":
            grouped.setdefault(key, []).append(value)
    params = "&".join(
        f"{_encode(key)}={','.join(_encode(v) for v in sorted(values))}"
        for key, values in sorted(grouped.items())
    )
    return f"{method.upper()}&{path}&{params}"


def query_string_hash(method: str, path: str, query: str) -> str:
    return hashlib.sha256(canonical_request(method, path, query).encode()).hexdigest()


def jira_jwt_valid(*, token: str, secret: str, method: str, path: str, query: str, issuer=None):
    """``True`` when ``token`` is a valid Jira JWT for this request (see the module doc)."""
    if not token or not secret:
        return False
    try:
        with warnings.catch_warnings():
            # The secret is whatever the app was given; a short one is still the one to check.
            warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
            claims = jwt.decode(
                token,
                secret,
                algorithms=["HS256"],
                leeway=LEEWAY_SECONDS,
                issuer=issuer or None,
                options={"require": ["exp", "iat"], "verify_aud": False},
            )
    except jwt.PyJWTError:
        return False
    qsh = claims.get("qsh")
    if not qsh or qsh == "context-qsh":
        return True
    return qsh == query_string_hash(method, path, query)
