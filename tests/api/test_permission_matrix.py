"""The permission matrix: every page (from the URL resolver) and every API operation (from the
OpenAPI schema) × anonymous, a CS rep, another CS rep, a PM and an admin → allowed or denied.

"Denied" is 401/403 (a page sends the anonymous visitor to the login page; an object rule may
answer 400 naming the account "you manage"); "allowed" is any
other answer below 500 (a 400 for a bad body, a 404, a 409 are the operation's own answers after
the role and object checks passed). No case may answer 5xx. Each request runs in a savepoint
that is rolled back, so every case sees the same world. The objects belong to ``rep``, so the
``rep_other`` column checks the object rules (votes, nominations, withdrawals, own tickets).

A URL or an operation missing from ``EXPECTED`` fails the test: a new endpoint must be placed in
the matrix.
"""

import os

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from .matrix_cases import api_cases, page_cases
from .world import build_world

pytestmark = pytest.mark.django_db

ROLES = ["anon", "rep", "rep_other", "pm", "admin"]


class _Rollback(Exception):
    pass


def outcome(client, case) -> str:
    response = None
    try:
        with transaction.atomic():
            kwargs = {"format": "json"} if case.path.startswith("/api/") else {}
            if case.method == "GET":
                response = client.get(case.path)
                if response.status_code == 405 and not case.path.startswith("/api/"):
                    response = client.post(case.path, {})
            else:
                response = getattr(client, case.method.lower())(case.path, case.body, **kwargs)
            raise _Rollback
    except _Rollback:
        pass
    code = response.status_code
    if code >= 500:
        return f"error {code}"
    if code in (401, 403):
        return "deny"
    if code == 400 and "accounts you manage" in response.content.decode(errors="replace"):
        return "deny"  # an object rule answered as the account field's error
    if code == 302 and response.url.startswith(("/login/", "/admin/login/")):
        return "deny"
    return "allow"


def actual_matrix() -> dict[str, dict[str, str]]:
    world = build_world()
    cases = page_cases(world) + api_cases(world)
    matrix: dict[str, dict[str, str]] = {case.key: {} for case in cases}
    for role in ROLES:
        client = APIClient()
        if role != "anon":
            client.force_login(world.users[role])
        for case in cases:
            matrix[case.key][role] = outcome(client, case)
    return matrix


def test_every_url_and_operation_by_role():
    from .matrix_expected import EXPECTED

    matrix = actual_matrix()
    if os.environ.get("MATRIX_DISCOVER"):
        with open(os.environ["MATRIX_DISCOVER"], "w") as out:
            for key, row in matrix.items():
                allowed = " ".join(r for r in ROLES if row[r] == "allow")
                errors = {r: v for r, v in row.items() if v.startswith("error")}
                out.write(f"    {key!r}: {allowed!r},{'  # ' + str(errors) if errors else ''}\n")
    missing = sorted(set(matrix) - set(EXPECTED))
    assert not missing, f"URLs/operations missing from the matrix: {missing}"
    stale = sorted(set(EXPECTED) - set(matrix))
    assert not stale, f"matrix entries for URLs/operations that no longer exist: {stale}"
    wrong = []
    for key, row in matrix.items():
        allowed = set(EXPECTED[key].split())
        for role in ROLES:
            expected = "allow" if role in allowed else "deny"
            if row[role] != expected:
                wrong.append(f"{key} as {role}: {row[role]} (expected {expected})")
    assert not wrong, "\n".join(wrong)
