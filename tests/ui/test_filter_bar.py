"""The one filter bar (portal/filterbar.py): controls without list boxes, chips that each remove
one value, "Clear", counts, the filter in the URL; the lists' CSV exports; query counts."""

import csv
import io
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import RequestFactory

from portal.filterbar import filter_bar_for
from portal.filtersets import AccountFilterSet
from portal.models import Account
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def _bar(query: str, **kwargs):
    request = RequestFactory().get("/accounts/" + query)
    filterset = AccountFilterSet(request.GET, queryset=Account.objects.all(), request=request)
    return filter_bar_for(request, filterset, **kwargs)


def test_controls_are_compact_and_chips_remove_one_value_each():
    bar = _bar("?tier=enterprise&tier=smb&q=acme&page=3")
    kinds = {c.name: c.kind for c in bar.controls}
    assert kinds["tier"] == "multi" and kinds["q"] == "search"
    tier = next(c for c in bar.controls if c.name == "tier")
    assert [o.label for o in tier.options] == ["Enterprise", "Mid-market", "SMB"]
    assert tier.selected_count == 2
    labels = [chip.label for chip in bar.chips]
    assert labels == ["Search: “acme”", "Tier: Enterprise", "Tier: SMB"]
    enterprise = next(c for c in bar.chips if c.label == "Tier: Enterprise")
    # Removing one value keeps the others and drops the page number.
    assert parse_qs(urlparse(enterprise.remove_url).query) == {"tier": ["smb"], "q": ["acme"]}
    assert bar.clear_url == "/accounts/"


def test_filters_not_shown_keep_their_value_and_get_a_chip():
    bar = _bar("?csm_owner=7&ordering=-arr", fields=["q", "tier"])
    assert ("csm_owner", "7") in bar.hidden and ("ordering", "-arr") in bar.hidden
    assert [c.label for c in bar.chips] == ["CSM owner id: 7"]
    # "Clear" drops the filters but keeps the sort order.
    assert bar.clear_url == "/accounts/?ordering=-arr"


def test_links_carry_only_the_filters_that_are_set():
    bar = _bar("?q=glob&segment=&ordering=&tier=", export_url="/accounts/")
    assert [c.label for c in bar.chips] == ["Search: “glob”"]
    assert bar.chips[0].remove_url == "/accounts/"
    assert bar.clear_url == "/accounts/"
    assert bar.export_url == "/accounts/?q=glob"


def test_blank_query_keeps_a_default_filter_from_coming_back():
    bar = _bar("?tier=smb", blank_query="q=")
    assert bar.chips[0].remove_url == "/accounts/?q="


def test_accounts_page_renders_the_bar_without_list_boxes(client_for, pm):
    AccountFactory.create_batch(3, tier="enterprise")
    AccountFactory(tier="smb")
    html = client_for(pm).get("/accounts/?tier=enterprise").content.decode()
    assert "<select multiple" not in html and "---------" not in html
    assert 'data-testid="filter-chip"' in html and "Tier: Enterprise" in html
    assert "3 accounts" in html
    assert 'href="?export=csv&amp;tier=enterprise"' in html


def test_accounts_csv_exports_the_filtered_rows_with_one_escaping_rule(client_for, pm):
    AccountFactory(name="=HYPERLINK(1)", tier="enterprise", arr=1000, segment="public_sector")
    AccountFactory(name="Other", tier="smb")
    response = client_for(pm).get("/accounts/", {"tier": "enterprise", "export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Name", "Tier", "ARR (USD)"]
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)" and rows[1][5] == "Public sector"


@pytest.mark.parametrize("size", [3, 12])
def test_accounts_page_query_count_is_constant(client_for, pm, django_assert_num_queries, size):
    AccountFactory.create_batch(size, tier="enterprise")
    client = client_for(pm)
    client.get("/accounts/")  # warm the session
    # session, user, the user's groups and permissions (menu, search kinds), count, page
    with django_assert_num_queries(7):
        response = client.get("/accounts/?tier=enterprise&q=a")
    assert response.status_code == 200


def test_roadmap_list_filters_render_controls(client_for, pm, cs_rep):
    for user in (pm, cs_rep):
        html = client_for(user).get("/roadmap/items/").content.decode()
        assert 'name="owner"' in html  # the owner PM select
        assert 'data-testid="filter-horizon"' in html and 'name="horizon"' in html
        assert 'data-testid="filter-tier"' in html and 'data-testid="filter-status"' in html


def test_triage_bar_shows_the_default_new_filter_as_a_chip(client_for, pm):
    html = client_for(pm).get("/feedback/triage/").content.decode()
    assert "Status: New" in html
    assert 'href="/feedback/triage/?q="' in html  # removing it shows every ticket


def test_the_count_says_its_noun_in_plain_english():
    bar = _bar("")
    for count, noun, text in (
        (1, "launch", "1 launch"),
        (0, "launch", "0 launches"),
        (3, "launch", "3 launches"),
        (2, "item", "2 items"),
        (2, "status", "2 statuses"),
    ):
        bar.count, bar.noun = count, noun
        assert bar.count_text == text


def test_a_refused_filter_value_is_a_message_with_its_label(client_for, pm):
    bar = _bar("?tier=platinum")
    assert bar.errors == [
        "Tier: Select a valid choice. platinum is not one of the available choices."
    ]
    assert _bar("?tier=smb").errors == [] and _bar("").errors == []
    response = client_for(pm).get("/accounts/?tier=platinum")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body
    assert "Tier: Select a valid choice. platinum is not one of the available choices." in body
