"""Panels that are expensive and change slowly are rendered at most once per
PANEL_CACHE_SECONDS per user, say "as of" when, and are never shown to another user."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import AccountFactory


def _home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_cached_panels_say_as_of_and_are_per_user(settings, client_for, cs_rep, cs_rep_colleague):
    settings.PANEL_CACHE_SECONDS = 120
    AccountFactory(name="Red One", csm_owner=cs_rep, health_score=20)
    client = client_for(cs_rep)
    first = _home(client)
    assert "Red One" in first and 'data-testid="as-of"' in first
    assert "kept for up to 2 minutes" in first
    AccountFactory(name="Red Two", csm_owner=cs_rep, health_score=10)
    again = _home(client)
    assert "Red Two" not in again  # within the window: the copy computed "as of" the first visit
    other = Client()
    other.force_login(cs_rep_colleague)
    assert "Red One" not in _home(other)  # a copy per user
    settings.PANEL_CACHE_SECONDS = 0
    fresh = _home(client)
    assert "Red Two" in fresh and 'data-testid="as-of"' not in fresh


@pytest.mark.django_db
def test_a_cached_visit_costs_fewer_queries(settings, client_for, cs_rep):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    AccountFactory(name="Red One", csm_owner=cs_rep, health_score=20)
    client = client_for(cs_rep)
    _home(client)
    with CaptureQueriesContext(connection) as queries:
        _home(client)
    computed = len(queries)  # read now: the next request starts a new query log
    settings.PANEL_CACHE_SECONDS = 120
    _home(client)
    with CaptureQueriesContext(connection) as queries:
        _home(client)
    # accounts at risk (account, its tickets, its votes), items backed (shipped, moved) and
    # barrier accounts (one per demand source, the notices) come from the cache
    assert computed - len(queries) == 8
