"""The panels adoption adds: item page (chart + table, barriers, recommendations for PMs), item
form suggestions, account page, sync page, the home-slot "what to do" list; the aha form."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from integrations.models import AdoptionMilestone, FeatureUsage
from roadmap.models import RoadmapItem
from tests.factories import AccountFactory
from tests.roadmap.factories import RoadmapItemFactory, VoteFactory

from .dataset import SHIPPED_AT, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(settings):
    settings.ADOPTION_MIN_SAMPLE = 3
    settings.ADOPTION_MIN_CORRELATION_N = 5
    return build()


def test_item_page_shows_adoption_with_chart_table_and_barriers(data, client_for, cs_rep):
    html = client_for(cs_rep).get(data["item"].get_absolute_url()).content.decode()
    assert 'id="adoption"' in html and "Used by <strong>3 of 8</strong>" in html
    assert '<svg class="chart chart-line"' in html
    assert "Requesters adopt 2.0× as often as everyone else (50% vs 25%)" in html
    assert 'data-testid="adoption-trend-table"' in html  # the same numbers without the chart
    assert 'data-testid="barrier-table"' in html and "Security review in Q4" in html
    assert "Okta login please" in html
    assert "5 uses within 7 days" in html
    assert "Recommendations" not in html  # for PMs
    assert "Set aha moment" not in html


def test_pm_sees_recommendations_and_the_aha_form(data, client_for, pm):
    html = client_for(pm).get(data["item"].get_absolute_url()).content.decode()
    assert 'data-testid="recommendations"' in html
    assert (
        "Riley Rep: contact 1 account" in html
        and "Rollout prediction" not in html.split("Recommendations")[0]
    )
    assert "Set aha moment" in html


def test_open_item_shows_its_keys_without_queries(client_for, cs_rep, django_assert_num_queries):
    item = RoadmapItemFactory(status="planned")
    from roadmap.features import roadmap_item_set_features

    roadmap_item_set_features(item=item, feature_keys=["sso.login"])
    html = client_for(cs_rep).get(item.get_absolute_url()).content.decode()
    assert "Ships <code>sso.login</code>" in html


@pytest.mark.parametrize("extra", [0, 30])
def test_item_page_query_count_is_constant(data, client_for, pm, extra, django_assert_num_queries):
    for _ in range(extra):
        account = AccountFactory(segment="retail")
        VoteFactory(item=data["item"], account=account)
        FeatureUsage.objects.create(account=account, feature="sso.setup", day=SHIPPED_AT.date())
    client = client_for(pm)
    client.get(data["item"].get_absolute_url())
    # The roadmap page's own queries, then the panel: milestone, accounts, usage aggregate,
    # aha uses, vote and ticket evidence (6).
    with django_assert_num_queries(15):
        client.get(data["item"].get_absolute_url())


def test_pm_sets_the_aha_milestone(data, client_for, pm, cs_rep):
    url = reverse("integrations:adoption-milestone", args=[data["item"].pk])
    response = client_for(pm).post(url, {"uses": 3, "days": 14})
    assert response.status_code == 302 and response.url.endswith("#adoption")
    milestone = AdoptionMilestone.objects.get(item=data["item"])
    assert (milestone.uses, milestone.days) == (3, 14)
    assert milestone.history.first().history_user == pm
    bad = client_for(pm).post(url, {"uses": 0, "days": 14})
    assert bad.status_code == 200 and "uses" in bad.context["form"].errors
    assert bad.context["form"]["days"].value() == "14"
    assert client_for(cs_rep).post(url, {"uses": 1, "days": 1}).status_code == 403


def test_item_form_suggests_keys_seen_in_usage(data, client_for, pm):
    html = client_for(pm).get(reverse("roadmap:item-edit", args=[data["item"].pk])).content.decode()
    assert '<datalist id="feature-key-options">' in html
    assert '<option value="sso.login">' in html and '<option value="reports">' in html


def test_account_page_lists_what_it_asked_for_that_shipped(data, client_for, pm):
    a2, a4 = data["accounts"]["A2"], data["accounts"]["A4"]
    html = client_for(pm).get(a2.get_absolute_url()).content.decode()
    assert "Asked for, shipped" in html and "Okta SSO" in html and ">yes<" in html
    html = client_for(pm).get(a4.get_absolute_url()).content.decode()
    assert "no — barrier" in html
    assert (
        "Asked for, shipped"
        not in client_for(pm).get(data["accounts"]["A8"].get_absolute_url()).content.decode()
    )


def test_sync_page_lists_unclaimed_keys(data, client_for, pm):
    sync = client_for(pm).get(reverse("integrations:sync")).content.decode()
    url = reverse("integrations:adoption-unclaimed-keys")
    assert f'hx-get="{url}"' in sync  # loaded after the page: its query count stays
    html = client_for(pm).get(url, HTTP_HX_REQUEST="true").content.decode()
    table = html.split('data-testid="unclaimed-keys"')[1]
    assert "<code>reports</code>" in table and "sso.login" not in table
    assert "<h1>" in client_for(pm).get(url).content.decode()  # a page without JavaScript


def _home(user):
    request = RequestFactory().get("/")
    request.user = user
    return Template('{% load portal_tags %}{% panels "home" user %}').render(
        Context({"request": request, "user": user})
    )


def test_home_slot_lists_a_reps_barrier_accounts_with_evidence(data):
    riley, casey = data["riley"], data["casey"]
    html = _home(riley)
    assert "<strong>A3</strong> asked for" in html and "Okta login please" in html
    assert "A4" not in html  # Casey's account
    assert "<strong>A4</strong>" in _home(casey) and "Security review in Q4" in _home(casey)


def test_home_slot_is_quiet_when_nothing_to_do(pm):
    assert "What to do" not in _home(pm)
    RoadmapItem.objects.all()  # no data at all
