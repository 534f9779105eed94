"""Triage in a flow: the queue's inline panel, save and next, undo links, bulk actions, and the
htmx message mechanism (portal/flash.py) as the queue uses it."""

import re

import pytest
from django.urls import reverse

from feedback.models import FeedbackTicket, TriageAction

from .factories import RoadmapItemFactory, TicketFactory

pytestmark = pytest.mark.django_db
TRIAGE = reverse("feedback:triage")
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver" + TRIAGE}


def action_url(ticket, action):
    return reverse("feedback:queue-action", args=[ticket.pk, action])


def messages_in(html: str) -> list[str]:
    region = re.search(
        r'<div id="messages"[^>]*hx-swap-oob="innerHTML"[^>]*>(.*?)</div>', html, re.S
    )
    assert region, "no out-of-band messages in the response"
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r"<li[^>]*>(.*?)</li>", region[1], re.S)
    ]


def test_rows_open_a_panel_with_suggestions(client_for, pm):
    item = RoadmapItemFactory(title="Salesforce contact sync", status="planned")
    RoadmapItemFactory(title="Dark mode", status="planned")
    ticket = TicketFactory(title="Sync contacts from Salesforce")
    twin = TicketFactory(title="Salesforce contacts sync breaks")
    client = client_for(pm)
    page = client.get(TRIAGE).content.decode()
    assert f'id="ticket-{ticket.pk}"' in page and 'data-testid="select-ticket"' in page
    panel = client.get(
        reverse("feedback:queue-panel", args=[ticket.pk]),
        {"order": f"{ticket.pk},{twin.pk}"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert 'data-testid="triage-panel"' in panel
    items = panel.split('data-testid="suggested-items"')[1].split("</ul>")[0]
    assert item.title in items and "Dark mode" not in items
    dups = panel.split('data-testid="suggested-duplicates"')[1].split("</ul>")[0]
    assert f"#{twin.pk}" in dups and "hx-confirm" in dups
    assert 'data-testid="save-next"' in panel
    # Without JavaScript the row's link opens the ticket page.
    plain = client.get(reverse("feedback:queue-panel", args=[ticket.pk]))
    assert plain.status_code == 302 and plain.url.endswith(f"/{ticket.pk}/#triage")


def test_save_and_next_updates_the_row_and_opens_the_next(client_for, pm):
    first, second = TicketFactory(), TicketFactory()
    response = client_for(pm).post(
        action_url(first, "triage"),
        {
            "product_area": "Reporting",
            "category": "bug",
            "impact": "high",
            "status": "triaged",
            "declined_reason": "",
            "order": f"{first.pk},{second.pk}",
            "then": "next",
        },
        **HTMX,
    )
    html = response.content.decode()
    first.refresh_from_db()
    assert first.status == "triaged" and first.product_area == "Reporting"
    assert (
        html.startswith(f'\n<tbody id="ticket-{first.pk}"')
        or f'<tbody id="ticket-{first.pk}"' in html
    )
    assert f'<tbody id="ticket-{second.pk}"' in html and 'hx-swap-oob="outerHTML"' in html
    assert html.count('data-testid="triage-panel"') == 1  # the next one's, open
    assert messages_in(html) == [f"#{first.pk} is triaged: Reporting · Bug, high impact."]


def test_decline_from_the_queue_offers_undo_and_undo_restores(client_for, pm):
    ticket = TicketFactory()
    client = client_for(pm)
    html = client.post(
        action_url(ticket, "decline"), {"declined_reason": "Out of scope", "order": ""}, **HTMX
    ).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "declined"
    action = TriageAction.objects.get(ticket=ticket)
    undo = reverse("feedback:undo", args=[action.batch])
    assert f'hx-post="{undo}"' in html and "data-undo-seconds" in html
    assert messages_in(html)[0].startswith(f"#{ticket.pk} is declined.")
    back = client.post(undo, **HTMX).content.decode()
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert f'<tbody id="ticket-{ticket.pk}"' in back and 'hx-swap-oob="outerHTML"' in back
    assert messages_in(back) == [f"Undone: #{ticket.pk} is new again."]
    again = client.post(undo, **HTMX).content.decode()
    assert "already undone" in messages_in(again)[0]


def test_merge_from_a_suggestion_and_undo_elsewhere_refreshes(client_for, pm):
    kept = TicketFactory(title="Okta single sign-on")
    dup = TicketFactory(title="Okta SSO login")
    client = client_for(pm)
    html = client.post(action_url(dup, "merge"), {"kept": kept.pk, "order": ""}, **HTMX)
    dup.refresh_from_db()
    assert dup.status == "duplicate" and dup.duplicate_of == kept
    assert "Undo" in messages_in(html.content.decode())[0]
    batch = TriageAction.objects.get(ticket=dup).batch
    # Undone from the ticket page (not the queue): the page reloads, the message waits for it.
    response = client.post(
        reverse("feedback:undo", args=[batch]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver" + kept.get_absolute_url(),
    )
    assert response["HX-Refresh"] == "true"
    page = client.get(kept.get_absolute_url()).content.decode()
    assert f"Undone: #{dup.pk} is new again." in page


def test_queue_errors_keep_the_panel_open(client_for, pm):
    ticket = TicketFactory()
    html = (
        client_for(pm)
        .post(action_url(ticket, "decline"), {"declined_reason": "  ", "order": ""}, **HTMX)
        .content.decode()
    )
    assert 'data-testid="triage-panel"' in html and "Say why the ticket is declined." in html
    assert FeedbackTicket.objects.get(pk=ticket.pk).status == "new"


def test_queue_and_undo_refuse_other_roles(client_for, cs_rep, pm):
    ticket = TicketFactory()
    declined = client_for(pm).post(
        action_url(ticket, "decline"), {"declined_reason": "No", "order": ""}, **HTMX
    )
    assert declined.status_code == 200
    assert client_for(pm).post(action_url(ticket, "explode"), {}).status_code == 404
    batch = TriageAction.objects.get(ticket=ticket).batch
    rep = client_for(cs_rep)
    assert rep.get(reverse("feedback:queue-panel", args=[ticket.pk])).status_code == 403
    assert rep.post(action_url(ticket, "triage"), {}).status_code == 403
    assert rep.post(reverse("feedback:triage-bulk"), {}).status_code == 403
    assert rep.post(reverse("feedback:undo", args=[batch])).status_code == 403


def test_bulk_asks_first_naming_the_count_then_applies_all(client_for, pm):
    tickets = [TicketFactory() for _ in range(3)]
    ids = [t.pk for t in tickets]
    client = client_for(pm)
    url = reverse("feedback:triage-bulk")
    ask = client.post(
        url, {"tickets": ids, "action": "decline", "declined_reason": "Dup of roadmap"}, **HTMX
    ).content.decode()
    assert "Decline: 3 tickets?" in ask and 'name="expected" value="3"' in ask
    assert FeedbackTicket.objects.filter(status="declined").count() == 0
    done = client.post(
        url,
        {
            "tickets": ids,
            "action": "decline",
            "declined_reason": "Dup of roadmap",
            "expected": 3,
            "confirmed": "on",
        },
        **HTMX,
    )
    assert done["HX-Trigger"] == "triage-changed"
    assert FeedbackTicket.objects.filter(pk__in=ids, status="declined").count() == 3
    assert messages_in(done.content.decode())[0].startswith("3 tickets declined.")
    # Without JavaScript: the same two steps, a page and a redirect back to the queue.
    item = RoadmapItemFactory()
    page = client.post(url, {"tickets": ids[:2], "action": "link", "item": item.pk})
    assert "Link to a roadmap item: 2 tickets?" in page.content.decode()
    back = client.post(
        url,
        {
            "tickets": ids[:2],
            "action": "link",
            "item": item.pk,
            "expected": 2,
            "confirmed": "on",
            "query": "status=declined",
        },
    )
    assert back.status_code == 302 and back.url == TRIAGE + "?status=declined"
    assert FeedbackTicket.objects.filter(roadmap_item=item).count() == 2


def test_bulk_refusal_names_the_ticket_and_writes_nothing(client_for, pm):
    fine, shipped = TicketFactory(), TicketFactory(status="shipped")
    html = (
        client_for(pm)
        .post(
            reverse("feedback:triage-bulk"),
            {
                "tickets": [fine.pk, shipped.pk],
                "action": "triage",
                "expected": 2,
                "confirmed": "on",
            },
            **HTMX,
        )
        .content.decode()
    )
    assert f"#{shipped.pk} cannot be changed" in html
    assert FeedbackTicket.objects.get(pk=fine.pk).status == "new"
    empty = client_for(pm).post(reverse("feedback:triage-bulk"), {"action": "triage"}, **HTMX)
    assert "Select at least one ticket." in empty.content.decode()
