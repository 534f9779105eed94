"""Triage pages and actions, the permission matrix and the pinned query counts."""

import csv
import io

import pytest
from django.urls import reverse

from feedback.choices import Impact, TicketStatus
from feedback.models import FeedbackTicket, TicketAccount
from tests.factories import AccountFactory, CsRepFactory

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db
TRIAGE = reverse("feedback:triage")
MINE = reverse("feedback:mine")


def bulk_tickets(n, *, submitter, account, item=None, **extra):
    tickets = FeedbackTicket.objects.bulk_create(
        FeedbackTicket(
            account=account,
            submitter=submitter,
            title=f"Bulk ticket {i}",
            description="d",
            category="bug",
            impact=list(Impact.values)[i % 4],
            source="email",
            roadmap_item=item,
            **extra,
        )
        for i in range(n)
    )
    TicketAccount.objects.bulk_create(
        TicketAccount(ticket=t, account=account, added_by=submitter, joined=False) for t in tickets
    )
    return tickets


def test_triage_queue_is_new_tickets_oldest_first(client_for, pm):
    old = TicketFactory(title="Oldest")
    TicketFactory(title="Triaged one", status="triaged")
    new = TicketFactory(title="Newest")
    response = client_for(pm).get(TRIAGE)
    assert [t.pk for t in response.context["tickets"]] == [old.pk, new.pk]


def test_triage_filters_and_sorting(client_for, pm):
    big = AccountFactory(tier="enterprise", health_score=20, arr=900_000)
    small = AccountFactory(tier="smb", health_score=90, arr=5_000)
    a = TicketFactory(account=big, impact="low", category="bug", product_area="Reporting")
    b = TicketFactory(account=small, impact="blocker", title="Okta single sign-on")
    client = client_for(pm)

    def ids(**params):
        return [t.pk for t in client.get(TRIAGE, params).context["tickets"]]

    assert ids(tier="enterprise") == [a.pk]
    assert ids(health_band="green") == [b.pk]
    assert ids(category="bug") == [a.pk]
    assert ids(impact="blocker") == [b.pk]
    assert ids(product_area="reporting") == [a.pk]
    assert ids(q="okta") == [b.pk]
    assert ids(submitter=a.submitter_id) == [a.pk]
    assert ids(ordering="impact") == [b.pk, a.pk]
    assert ids(ordering="-arr") == [a.pk, b.pk]
    assert ids(created_after="2000-01-01", ordering="-created") == [b.pk, a.pk]
    assert ids(created_before="2000-01-01") == []


def test_csv_export_follows_the_filters(client_for, pm):
    TicketFactory(title="Export me", impact="blocker")
    TicketFactory(title="Not me", impact="low")
    response = client_for(pm).get(reverse("feedback:triage-export"), {"impact": "blocker"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["id", "created", "status", "title"]
    assert [r[3] for r in rows[1:]] == ["Export me"]
    # A tampered choice downloads the header and no rows (the list shows none, with the message).
    response = client_for(pm).get(reverse("feedback:triage-export"), {"impact": "urgent"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["id", "created", "status", "title"] and rows[1:] == []


@pytest.mark.parametrize("count", [10, 1000])
def test_triage_query_count_is_constant(
    client_for, pm, cs_rep, account, count, django_assert_max_num_queries
):
    bulk_tickets(count, submitter=cs_rep, account=account, item=RoadmapItemFactory())
    client = client_for(pm)
    client.get(TRIAGE)  # warm the session and permission caches
    # 9, plus the bulk bar's list of roadmap items.
    with django_assert_max_num_queries(10):
        response = client.get(TRIAGE, {"status": ["new"], "ordering": "-impact"})
    assert len(response.context["tickets"]) == min(count, 50)


@pytest.mark.parametrize("count", [10, 1000])
def test_my_feedback_query_count_is_constant(
    client_for, cs_rep, cs_rep_colleague, account, count, django_assert_max_num_queries
):
    bulk_tickets(count // 2, submitter=cs_rep, account=account, item=RoadmapItemFactory())
    theirs = bulk_tickets(count // 2, submitter=cs_rep_colleague, account=account)
    other = AccountFactory()
    TicketAccount.objects.bulk_create(
        TicketAccount(ticket=t, account=other, added_by=cs_rep) for t in theirs
    )
    TicketFactory()  # somebody else's: not shown
    client = client_for(cs_rep)
    client.get(MINE)
    with django_assert_max_num_queries(8):
        response = client.get(MINE)
    assert response.context["paginator"].count == count


@pytest.mark.parametrize("count", [10, 1000])
def test_item_tickets_query_count_is_constant(
    client_for, pm, cs_rep, account, count, django_assert_max_num_queries
):
    item = RoadmapItemFactory()
    bulk_tickets(count, submitter=cs_rep, account=account, item=item)
    client = client_for(pm)
    url = reverse("feedback:item-tickets", args=[item.pk])
    client.get(url)
    with django_assert_max_num_queries(7):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert len(response.context["tickets"]) == count
    assert "<html" not in response.content.decode()
    assert "<html" in client.get(url).content.decode()


def test_triage_on_the_ticket_page(client_for, pm):
    ticket = TicketFactory()
    client = client_for(pm)
    url = reverse("feedback:triage-ticket", args=[ticket.pk])
    response = client.post(
        url,
        {"product_area": "Reporting", "category": "bug", "impact": "blocker", "status": "triaged"},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.product_area, ticket.impact, ticket.status) == (
        "Reporting",
        "blocker",
        "triaged",
    )
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "impact: Medium → Blocker" in page
    assert "status: New → Triaged" in page
    assert str(pm) in page


def test_illegal_status_and_missing_reason_are_refused_at_the_field(client_for, pm):
    ticket = TicketFactory(status="triaged")
    client = client_for(pm)
    url = reverse("feedback:triage-ticket", args=[ticket.pk])
    data = {"category": "bug", "impact": "low", "status": "shipped"}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert "Select a valid choice" in response.content.decode()
    response = client.post(url, {**data, "status": "declined"}, HTTP_HX_REQUEST="true")
    assert "Say why the ticket is declined." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "triaged"


def test_link_create_item_and_duplicate_actions(client_for, pm):
    ticket = TicketFactory(title="SSO with Okta")
    other = TicketFactory()
    item = RoadmapItemFactory()
    client = client_for(pm)
    client.post(reverse("feedback:link-item", args=[ticket.pk]), {"item": item.pk})
    ticket.refresh_from_db()
    assert ticket.roadmap_item == item
    client.post(reverse("feedback:create-item", args=[other.pk]), {"title": "Okta SSO"})
    other.refresh_from_db()
    assert other.roadmap_item.title == "Okta SSO"
    response = client.post(reverse("feedback:mark-duplicate", args=[other.pk]), {"kept": ticket.pk})
    assert response.url == ticket.get_absolute_url()
    other.refresh_from_db()
    assert (other.status, other.duplicate_of_id) == (TicketStatus.DUPLICATE, ticket.pk)
    bad = client.post(reverse("feedback:mark-duplicate", args=[ticket.pk]), {"kept": ticket.pk})
    assert "cannot duplicate itself" in bad.content.decode()


def test_permission_matrix(client, cs_rep, cs_rep_colleague, pm, portal_admin, outsider):
    ticket = TicketFactory(submitter=cs_rep)
    item = RoadmapItemFactory()
    pages = {
        "create": reverse("feedback:create"),
        "mine": MINE,
        "triage": TRIAGE,
        "detail": ticket.get_absolute_url(),
        "item": reverse("feedback:item-tickets", args=[item.pk]),
    }
    expected = {
        # user: create, mine, triage, detail, item tickets
        "owner": (cs_rep, [200, 200, 403, 200, 200]),
        "colleague": (cs_rep_colleague, [200, 200, 403, 200, 200]),
        "pm": (pm, [403, 403, 200, 200, 200]),
        "admin": (portal_admin, [403, 403, 403, 200, 200]),
        "outsider": (outsider, [403, 403, 403, 403, 403]),
    }
    for who, (user, codes) in expected.items():
        client.force_login(user)
        got = [client.get(url).status_code for url in pages.values()]
        assert got == codes, who
    # Triage actions: only PMs, whoever submitted the ticket.
    triage = reverse("feedback:triage-ticket", args=[ticket.pk])
    data = {"category": "bug", "impact": "low", "status": "triaged"}
    for user in (cs_rep, cs_rep_colleague, portal_admin, outsider):
        client.force_login(user)
        assert client.post(triage, data).status_code == 403
    # Joining: CS reps only.
    join = reverse("feedback:join", args=[ticket.pk])
    for user, code in ((pm, 403), (portal_admin, 403), (outsider, 403)):
        client.force_login(user)
        assert client.post(join, {"account": ticket.account_id}).status_code == code
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_navigation_shows_each_role_its_pages(client_for, cs_rep, pm):
    rep_page = client_for(cs_rep).get(MINE).content.decode()
    assert "Submit feedback" in rep_page and ">Triage<" not in rep_page
    pm_page = client_for(pm).get(TRIAGE).content.decode()
    assert ">Triage<" in pm_page


def test_my_feedback_lists_submitted_and_joined_newest_change_first(
    client_for, cs_rep, cs_rep_colleague
):
    from feedback import services

    mine = TicketFactory(submitter=cs_rep, title="Mine")
    joined = TicketFactory(submitter=cs_rep_colleague, title="Joined")
    TicketFactory(submitter=CsRepFactory(), title="Not mine")
    services.ticket_join(ticket=joined, account=AccountFactory(csm_owner=cs_rep), actor=cs_rep)
    response = client_for(cs_rep).get(MINE)
    assert [t.pk for t in response.context["tickets"]] == [joined.pk, mine.pk]


def test_csv_cells_never_start_a_formula(client_for, pm):
    TicketFactory(title='=HYPERLINK("http://evil")')
    response = client_for(pm).get(reverse("feedback:triage-export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][3] == '\'=HYPERLINK("http://evil")'


def test_triage_actions_through_htmx_swap_the_panel(client_for, pm):
    ticket = TicketFactory()
    kept = TicketFactory()
    client = client_for(pm)
    response = client.post(
        reverse("feedback:triage-ticket", args=[ticket.pk]),
        {"category": "bug", "impact": "high", "status": "triaged", "product_area": "API"},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert f"#{ticket.pk} is triaged." in page
    assert "status: New → Triaged" in page
    merged = client.post(
        reverse("feedback:mark-duplicate", args=[ticket.pk]),
        {"kept": kept.pk},
        HTTP_HX_REQUEST="true",
    )
    assert merged["HX-Redirect"] == kept.get_absolute_url()


def test_history_names_the_roadmap_item(client_for, pm):
    ticket = TicketFactory()
    item = RoadmapItemFactory(title="Okta SSO")
    client = client_for(pm)
    client.post(reverse("feedback:link-item", args=[ticket.pk]), {"item": item.pk})
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert f"roadmap item: — → #{item.pk} Okta SSO" in page


def test_sort_by_most_accounts(client_for, pm, cs_rep):
    from feedback import services

    lonely = TicketFactory()
    popular = TicketFactory()
    for _ in range(2):
        services.ticket_join(ticket=popular, account=AccountFactory(csm_owner=cs_rep), actor=cs_rep)
    response = client_for(pm).get(TRIAGE, {"ordering": "-accounts"})
    assert [t.pk for t in response.context["tickets"]] == [popular.pk, lonely.pk]
    assert "+2" in response.content.decode()
