"""Every URL and every API operation, as requests against a :class:`~tests.api.world.World`.

Pages come from the URL resolver, API operations from the OpenAPI schema (and the API routes the
schema leaves out: webhooks, the schema and docs themselves), so a new endpoint is a new case
that the matrix must name.
"""

import re
from dataclasses import dataclass, field

from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from tests.portal.test_access import iter_routes

# Reachable without a login (tested in tests/portal/test_access.py).
PUBLIC = {"login", "logout", "password_reset", "api-schema-swagger-ui", "favicon"}
PUBLIC |= {"oauth2-token", "oauth2-revoke-token"}  # OAuth2 clients authenticate themselves
PUBLIC |= {"oidc_authentication_init", "oidc_authentication_callback"}  # before any login
PUBLIC |= {"healthz", "readyz"}  # health probes: no login, nothing revealed


@dataclass(frozen=True)
class Case:
    key: str  # "GET roadmap:item-detail" for pages, "GET /api/v1/…" for API operations
    method: str
    path: str
    body: dict = field(default_factory=dict, hash=False, compare=False)


# Which world object a page's <pk> (or <item_id>, <account_pk>) stands for, by URL name.
PAGE_OBJECTS = {
    "inbox-read": "inbox",
    "api-token-revoke": "api_token",
    "account-detail": "account",
    "item-detail": "item",
    "item-edit": "item",
    "item-vote": "item",
    "item-move": "item",
    "vote-withdraw": "vote",
    "beta-detail": "program",
    "beta-edit": "program",
    "beta-nominate": "program",
    "beta-check": "program",
    "beta-participant-transition": "participant",
    "beta-participant-complete": "participant",
    "beta-account-eligibility": "account",
    "launch-detail": "plan",
    "launch-move": "plan",
    "milestone-add": "plan",
    "milestone-move": "milestone",
    "milestone-tick": "milestone",
    "item-tickets": "item",
    "detail": "ticket",
    "join": "ticket",
    "triage-ticket": "ticket",
    "mark-duplicate": "ticket",
    "link-item": "ticket",
    "create-item": "ticket",
    "queue-panel": "ticket",
    "queue-action": "ticket",
    "attachment": "attachment",
    "map-import-preview": "pending",
    "map-detail": "map",
    "map-cycle-start": "map",
    "map-export-md": "map",
    "map-export-csv": "map",
    "point-detail": "point",
    "point-owner": "point",
    "criterion-tick": "open_criterion",
    "criterion-verify": "criterion",
    "criterion-untick": "criterion",
    "kpi-measure": "kpi",
    "run-detail": "run",
    "connection-edit": "connection",
    "connection-status": "connection",
    "sync-now": "connection",
    "analytics-import": "connection",
    "delivery-redeliver": "delivery",
    "jira-create": "item",
    "jira-status": "item",
    "adoption-milestone": "item",
    "hook-analytics": "connection",
    "hook-jira": "connection",
}

# The API path parameters by the path's first segment (``{id}``) or by name.
API_OBJECTS = {
    "accounts": "account",
    "roadmap-items": "item",
    "beta-programs": "program",
    "beta-participants": "participant",
    "launch-plans": "plan",
    "milestones": "milestone",
    "feedback-tickets": "ticket",
    "integration-maps": "map",
    "integration-map-imports": "pending",
    "integration-points": "point",
    "integration-criteria": "criterion",
    "kpi-targets": "kpi",
    "connections": "connection",
    "sync-runs": "run",
    "deliveries": "delivery",
    "feature-usage": "usage",
}
API_PARAMS = {"feature_id": "item", "customer_id": "account", "ticket_id": "ticket"}
# Which criterion an action acts on: tick the open one, verify and untick the ticked one.
CRITERION_FOR = {"tick": "open_criterion", "verify": "criterion", "untick": "criterion"}


def _api_body(method: str, path: str, world) -> tuple[str, dict]:
    """A request for the operation that passes validation where the role may act, so that an
    object rule (not a missing field) decides; the query string where one is needed."""
    account = world["account"].pk
    bodies = {
        ("post", "/api/v1/cs-product/vote/{feature_id}"): {
            "account": account,
            "evidence": "Saves a day a week",
        },
        ("post", "/api/v1/beta-programs/{id}/nominate"): {"account": account},
        ("post", "/api/v1/cs-product/feedback"): {
            "account": account,
            "title": "Matrix feedback",
            "description": "Needs it",
            "category": "feature_request",
            "impact": "medium",
            "source": "call",
        },
        ("post", "/api/v1/feedback-tickets"): {
            "account": account,
            "title": "Matrix feedback",
            "description": "Needs it",
            "category": "feature_request",
            "impact": "medium",
            "source": "call",
        },
    }
    query = f"?account={account}" if path == "/api/v1/cs-product/vote/{feature_id}" else ""
    return query, bodies.get((method, path), {})


def api_cases(world) -> list[Case]:
    generator = SchemaGenerator()
    schema = generator.get_schema(request=None, public=True)
    cases = []
    for template, methods in schema["paths"].items():
        for method in methods:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            path = template
            segments = template.removeprefix("/api/v1/").split("/")
            for name in re.findall(r"{(\w+)}", template):
                if name == "id":
                    obj = API_OBJECTS[segments[0]]
                    if segments[0] == "integration-criteria":
                        obj = CRITERION_FOR[segments[-1]]
                else:
                    obj = API_PARAMS[name]
                path = path.replace("{" + name + "}", str(world[obj].pk))
            query, body = _api_body(method, template, world)
            cases.append(Case(f"{method.upper()} {template}", method.upper(), path + query, body))
    # API routes outside the schema: the webhooks (a signature, no login), the schema and docs.
    for route, name in iter_routes():
        outside = name.startswith("hook-") or name.startswith(("api-schema", "api-docs"))
        if route.startswith("api/") and (outside or name == "api-root"):
            if "<drf_format_suffix" in route:
                continue
            kwargs = {"pk": world[PAGE_OBJECTS[name]].pk} if "<int:pk>" in route else {}
            method = "POST" if name.startswith("hook-") else "GET"
            cases.append(Case(f"{method} {name}", method, reverse(name, kwargs=kwargs)))
    return cases


def page_cases(world) -> list[Case]:
    cases = []
    for route, name in iter_routes():
        if route.startswith("api/") or name in PUBLIC:
            continue
        kwargs = {}
        for kind, kw in re.findall(r"<(?:(\w+):)?(\w+)>", route):
            if kind == "slug":
                kwargs[kw] = "map-kpis"
            elif kind == "uuid":  # an undo link: the role check comes before the lookup
                kwargs[kw] = "00000000-0000-0000-0000-000000000000"
            else:
                kwargs[kw] = world[PAGE_OBJECTS[name]].pk
        namespace = _namespace(route)
        url_name = f"{namespace}:{name}" if namespace else name
        cases.append(Case(f"GET {url_name}", "GET", reverse(url_name, kwargs=kwargs)))
    return cases


def _namespace(route: str) -> str:
    if route.startswith("roadmap/"):
        return "roadmap"
    if route.startswith("feedback/"):
        return "feedback"
    if route.startswith("integrations/"):
        return "integrations"
    return ""
