"""Login on every page: derived from the URL resolver, so new pages are covered automatically."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

# Pages that must be reachable without a login.
PUBLIC = {"login", "password_reset", "api-schema-swagger-ui", "favicon"}
# OAuth2 clients authenticate themselves (client id and secret), not with a login.
PUBLIC |= {"oauth2-token", "oauth2-revoke-token"}
# The company sign-in (OIDC) starts and ends before a login exists.
PUBLIC |= {"oidc_authentication_init", "oidc_authentication_callback"}
# Prometheus scrapers send a token instead of logging in (403 without it: test_observability).
PUBLIC |= {"metrics"}
# Health probes answer without a login and reveal nothing else (tests/portal/test_health*.py).
PUBLIC |= {"healthz", "readyz"}
SAMPLE_VALUES = {
    "drf_format_suffix": ".json",
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
}


def iter_routes(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            continue  # regex patterns: the admin's and DRF's format suffixes, covered below
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            if route.startswith("admin/"):
                continue
            yield from iter_routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.name


def sample_path(route: str) -> str:
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: SAMPLE_VALUES.get(m.group(1) or "str", "x"), route
    )


ROUTES = [(route, name) for route, name in iter_routes() if name not in PUBLIC]


def test_the_resolver_yields_the_portal_pages():
    names = {name for _, name in ROUTES}
    assert {"home", "account-list", "account-detail", "logout"} <= names


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), ROUTES, ids=[r for r, _ in ROUTES])
def test_anonymous_user_is_sent_to_login(client, route, name):
    path = sample_path(route)
    response = client.get(path)
    if route.startswith("api/"):
        assert response.status_code in (401, 403), path
    else:
        assert response.status_code == 302, path
        assert response.url.startswith("/login/"), response.url


@pytest.mark.django_db
def test_admin_requires_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url
