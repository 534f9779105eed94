"""The Content Security Policy every page is sent with: scripts and styles from the portal's own
origin only — no ``unsafe-inline``, no ``unsafe-eval`` (the browser walk in
``tests/e2e/test_accessibility.py`` checks that no page breaks it)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["home", "roadmap:board", "feedback:create", "login"])
def test_every_page_forbids_inline_script_and_style(client_for, cs_rep, name):
    response = client_for(cs_rep).get(reverse(name))
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response["Content-Security-Policy"]
