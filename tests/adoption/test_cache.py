"""The item's adoption report is computed at most once per PANEL_CACHE_SECONDS for the same
item, features, milestone and window; the API and the item page say when it is from."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from integrations.models import FeatureUsage
from roadmap.features import roadmap_item_set_features

from .dataset import build

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _get(client, item, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cs-product/adoption/{item.pk}", params)
    assert response.status_code == 200
    return response.json(), len(queries)


def test_api_reuses_the_report_and_says_as_of(settings, pm):
    item = build()["item"]
    client = APIClient()
    client.force_authenticate(pm)
    fresh, _ = _get(client, item, until="2026-11-20")
    assert fresh["as_of"] is None  # caching off (the tests' default)
    settings.PANEL_CACHE_SECONDS = 120
    first, computed = _get(client, item, until="2026-11-20")
    FeatureUsage.objects.all().delete()
    again, cached = _get(client, item, until="2026-11-20")
    assert again == first and first["as_of"] is not None
    assert again["adopters"] == fresh["adopters"] == 3  # usage deleted, the copy as of first
    assert cached < computed
    other_window, _ = _get(client, item, until="2026-11-19")
    assert other_window["adopters"] == 0  # another window is computed afresh
    roadmap_item_set_features(item=item, feature_keys=["sso.login"])
    changed, _ = _get(client, item, until="2026-11-20")
    assert changed["feature_keys"] == ["sso.login"]  # new keys: computed afresh


def test_item_page_says_as_of(settings, client_for, pm):
    item = build()["item"]
    settings.PANEL_CACHE_SECONDS = 120
    page = client_for(pm).get(item.get_absolute_url()).content.decode()
    assert 'id="adoption"' in page and 'data-testid="as-of"' in page
