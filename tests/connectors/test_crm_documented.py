"""HubSpot CRM v3 as HubSpot documents it: ``hubspot_owner_id`` through the owners API, a company
with only a domain, archived companies, industry → segment through the connection's table, and
empty ARR/tier/health kept unknown (shown as such, scored explicitly)."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from werkzeug import Response

from integrations.connectors.services import connection_save
from integrations.models import RecordReport, RunStatus
from portal.models import Account
from roadmap import scoring
from roadmap.models import RoadmapItem
from roadmap.services import roadmap_item_create
from tests.factories import AccountFactory, CsRepFactory
from tests.roadmap.factories import VoteFactory

from .vendor_fixtures import example

LIST = "/crm/v3/objects/companies"
SEARCH = "/crm/v3/objects/companies/search"
OWNERS = "/crm/v3/owners"


def serve_hubspot(httpserver, *, pages=None, archived=None, search=None, owner_calls=None):
    """The documented responses: the list (first page, then the last one by its ``after``), the
    archived listing, the search and the owners."""
    pages = pages or [
        example("hubspot", "companies_list"),
        example("hubspot", "companies_list_last"),
    ]
    archived = archived if archived is not None else {"results": []}

    def listing(request):
        assert request.headers["Authorization"] == "Bearer pat-na1-test"
        if request.args.get("archived") == "true":
            return Response(json.dumps(archived), content_type="application/json")
        index = 0 if not request.args.get("after") else 1
        return Response(json.dumps(pages[index]), content_type="application/json")

    def owners(request):
        if owner_calls is not None:
            owner_calls.append(request.args.get("after"))
        return Response(json.dumps(example("hubspot", "owners")), content_type="application/json")

    def searching(request):
        return Response(json.dumps(search or {"results": []}), content_type="application/json")

    httpserver.expect_request(LIST, method="GET").respond_with_handler(listing)
    httpserver.expect_request(OWNERS, method="GET").respond_with_handler(owners)
    httpserver.expect_request(SEARCH, method="POST").respond_with_handler(searching)


@pytest.fixture
def hubspot(crm):
    crm.settings = {"segment_map": {"COMPUTER_SOFTWARE": "saas"}}  # owner: hubspot_owner_id
    return connection_save(connection=crm)


@pytest.fixture
def owner_user(db):
    return CsRepFactory(username="hs_owner", email="Email@HubSpot.com")


@pytest.mark.django_db
def test_documented_companies_are_all_taken(hubspot, httpserver, run_sync, owner_user):
    calls = []
    serve_hubspot(httpserver, owner_calls=calls)

    run = run_sync(hubspot)

    assert run.status == RunStatus.SUCCEEDED, run.error
    assert (run.created, run.failed) == (4, 0)
    assert calls == [None]  # the owners were read once for the run, not per page or record
    acme = Account.objects.get(crm_id="514")
    assert acme.csm_owner == owner_user
    assert (acme.segment, acme.tier, acme.arr, acme.health_score) == (
        "saas",
        "enterprise",
        Decimal("2500000.00"),
        82,
    )
    assert Account.objects.get(crm_id="513").name == "hubspot.com"  # only a domain
    globex = Account.objects.get(crm_id="515")
    assert globex.csm_owner is None and globex.segment == ""
    reasons = set(RecordReport.objects.values_list("reason", flat=True))
    assert "owner 99999999 is not a HubSpot owner; CSM left as it was" in reasons
    assert "industry 'MARITIME' has no segment in segment_map; segment left as it was" in reasons


@pytest.mark.django_db
def test_a_new_company_without_arr_tier_or_health_stays_unknown(
    hubspot, httpserver, run_sync, client_for, cs_rep
):
    serve_hubspot(httpserver)
    run_sync(hubspot)

    biglytics = Account.objects.get(crm_id="512")
    assert (biglytics.arr, biglytics.tier, biglytics.health_score) == (None, None, None)
    assert biglytics.health_band is None
    page = client_for(cs_rep).get(reverse("account-detail", args=[biglytics.pk])).content.decode()
    assert 'data-testid="account-tier">unknown<' in page
    assert 'data-testid="account-arr">unknown<' in page
    assert 'data-testid="account-health">unknown<' in page
    assert "health unknown" in page


@pytest.mark.django_db
def test_unknown_values_are_scored_explicitly_and_explained(hubspot, httpserver, run_sync):
    serve_hubspot(httpserver)
    run_sync(hubspot)
    rep = CsRepFactory(username="voter")
    item = roadmap_item_create(title="Exports")
    VoteFactory(item=item, account=Account.objects.get(crm_id="512"), rep=rep)
    scoring.priorities_recompute()

    item = RoadmapItem.objects.get(pk=item.pk)
    assert item.score > 0  # counted (as SMB with $0 ARR), not dropped
    text = " ".join(item.score_breakdown["explanation"])
    assert "1 account with an unknown tier weighted as SMB" in text
    assert "1 account with an unknown ARR counted as $0 ARR" in text
    assert item.score_breakdown["top_accounts"][0]["tier"] == "unknown"


@pytest.mark.django_db
def test_an_owner_who_is_no_portal_user_is_reported_and_never_clears_the_csm(
    hubspot, httpserver, run_sync, cs_rep
):
    AccountFactory(crm_id="514", name="Acme", csm_owner=cs_rep)
    first = example("hubspot", "companies_list")
    first["results"][2]["properties"]["hubspot_owner_id"] = "60158084"  # an owner, no user
    serve_hubspot(httpserver, pages=[first, example("hubspot", "companies_list_last")])

    run_sync(hubspot)

    assert Account.objects.get(crm_id="514").csm_owner == cs_rep
    report = RecordReport.objects.get(external_id="company 514")
    assert report.outcome == "reported"
    assert report.reason == (
        "owner 60158084 (nobody-here@hubspot.com) matches no portal user; CSM left as it was"
    )


@pytest.mark.django_db
def test_archived_companies_are_removals_at_once_even_between_full_passes(
    hubspot, httpserver, run_sync, owner_user
):
    serve_hubspot(httpserver)
    run_sync(hubspot)  # the full pass
    assert not Account.objects.filter(crm_missing_since__isnull=False).exists()

    httpserver.clear()
    serve_hubspot(
        httpserver,
        archived=example("hubspot", "companies_archived"),
        search=example("hubspot", "companies_search"),
    )
    incremental = run_sync(hubspot)

    assert incremental.status == RunStatus.SUCCEEDED, incremental.error
    hubspot.refresh_from_db()
    assert Account.objects.get(crm_id="512").crm_missing_since is not None
    assert Account.objects.get(crm_id="514").arr == Decimal("3000000.00")  # the search applied
    assert set(
        Account.objects.filter(crm_missing_since__isnull=False).values_list("crm_id", flat=True)
    ) == {"512"}
    assert RecordReport.objects.filter(reason__startswith="archived in HubSpot").count() == 1

    again = run_sync(hubspot)  # listed as archived again: nothing more to do
    assert again.updated == 0
    assert RecordReport.objects.filter(reason__startswith="archived in HubSpot").count() == 1


@pytest.mark.django_db
def test_a_domain_only_company_is_not_flagged_missing_by_the_next_full_pass(
    hubspot, httpserver, run_sync, settings
):
    serve_hubspot(httpserver)
    run_sync(hubspot)
    hubspot.refresh_from_db()
    hubspot.cursor = {**hubspot.cursor, "last_full": "2000-01-01T00:00:00+00:00"}  # due again
    hubspot.save()
    second = run_sync(hubspot)
    assert second.status == RunStatus.SUCCEEDED, second.error
    assert Account.objects.get(crm_id="513").crm_missing_since is None


@pytest.mark.django_db
def test_the_connection_page_shows_properties_and_the_segment_map(admin_client, hubspot):
    page = admin_client.get(reverse("integrations:connection-edit", args=[hubspot.pk]))
    text = page.content.decode()
    assert "properties.csm_owner" in text and "hubspot_owner_id" in text
    assert "segment_map.COMPUTER_SOFTWARE" in text and "saas" in text


@pytest.mark.django_db
def test_a_bad_segment_map_is_refused(hubspot):
    from django.core.exceptions import ValidationError

    hubspot.settings = {"segment_map": {"COMPUTER_SOFTWARE": 3}}
    with pytest.raises(ValidationError) as error:
        connection_save(connection=hubspot)
    assert "segment_map" in str(error.value)
