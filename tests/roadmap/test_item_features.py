"""Items ship analytics features: the service, the item form and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from roadmap.features import feature_keys_parse, roadmap_item_set_features
from roadmap.models import RoadmapItemFeature

from .factories import RoadmapItemFactory

pytestmark = pytest.mark.django_db


def test_parse_keeps_order_drops_blanks_and_repeats():
    assert feature_keys_parse(" sso.login, Report Exported ,\n,sso.login\nsso.setup") == [
        "sso.login",
        "Report Exported",
        "sso.setup",
    ]


def test_set_features_adds_and_removes_with_history(pm):
    item = RoadmapItemFactory()
    assert roadmap_item_set_features(item=item, feature_keys=["b", "a"], actor=pm) == ["a", "b"]
    roadmap_item_set_features(item=item, feature_keys=["b", "c"], actor=pm)
    assert sorted(item.features.values_list("feature_key", flat=True)) == ["b", "c"]
    history = RoadmapItemFeature.history.filter(feature_key="a").order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_user == pm


def test_set_features_names_the_field_on_bad_input():
    item = RoadmapItemFactory()
    with pytest.raises(ValidationError) as exc:
        roadmap_item_set_features(item=item, feature_keys=["x" * 121])
    assert "feature_keys" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        roadmap_item_set_features(item=item, feature_keys=[f"k{n}" for n in range(21)])
    assert "At most 20" in exc.value.message_dict["feature_keys"][0]


def _body(pm, **extra):
    return {
        "title": "Okta SSO",
        "description": "x",
        "status": "under_consideration",
        "impact": "1",
        "confidence": "1",
        "effort": "1",
        "owner": pm.pk,
        **extra,
    }


def test_pm_sets_features_on_the_item_form(client_for, pm, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    client = client_for(pm)
    client.post(reverse("roadmap:item-create"), _body(pm, feature_keys="sso.login, sso.setup"))
    item = RoadmapItemFeature.objects.get(feature_key="sso.login").item
    html = client.get(reverse("roadmap:item-edit", args=[item.pk])).content.decode()
    assert 'value="sso.login, sso.setup"' in html
    assert 'list="feature-key-options"' in html
    client.post(reverse("roadmap:item-edit", args=[item.pk]), _body(pm, feature_keys="sso.setup"))
    assert list(item.features.values_list("feature_key", flat=True)) == ["sso.setup"]
    response = client.post(
        reverse("roadmap:item-edit", args=[item.pk]), _body(pm, feature_keys="y" * 130)
    )
    assert response.status_code == 200
    assert "feature_keys" in response.context["form"].errors
    assert response.context["form"]["feature_keys"].value() == "y" * 130  # the input is kept


def test_api_exposes_feature_keys_without_extra_queries(cs_rep, django_assert_num_queries):
    item = RoadmapItemFactory()
    roadmap_item_set_features(item=item, feature_keys=["sso.login", "Report Exported"])
    RoadmapItemFactory()
    api = APIClient()
    api.force_authenticate(cs_rep)
    api.get("/api/v1/roadmap-items")
    with django_assert_num_queries(2):
        rows = api.get("/api/v1/roadmap-items").json()["results"]
    keys = {row["id"]: row["feature_keys"] for row in rows}
    assert keys[item.pk] == ["Report Exported", "sso.login"]
    assert [] in keys.values()
    detail = api.get(f"/api/v1/roadmap-items/{item.pk}").json()
    assert detail["feature_keys"] == ["Report Exported", "sso.login"]
