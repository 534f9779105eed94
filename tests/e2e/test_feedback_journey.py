"""A CS rep starts typing a title, sees the similar ticket, adds the account to it, then submits
a new one and finds it in "My feedback"."""

import pytest
from playwright.sync_api import expect

from feedback.models import TicketAccount
from tests.factories import AccountFactory, CsRepFactory
from tests.feedback.factories import TicketFactory


@pytest.mark.django_db(transaction=True)
def test_rep_joins_a_similar_ticket_then_files_a_new_one(page, login):
    rep = CsRepFactory(username="e2e_fb_rep", first_name="Riley")
    colleague = CsRepFactory(username="e2e_fb_rep2")
    customer = AccountFactory(name="Acme Retail", csm_owner=rep)
    existing = TicketFactory(
        title="Bulk export of reports to CSV", submitter=colleague, status="planned"
    )

    login(rep)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Submit feedback").click()
    page.locator("#id_account").select_option(label="Acme Retail")
    page.get_by_label("Title").press_sequentially("export csv", delay=40)

    match = page.get_by_test_id("similar-ticket")
    expect(match).to_have_count(1)
    expect(match).to_contain_text("Bulk export of reports to CSV")
    expect(match).to_contain_text("Planned")
    match.get_by_role("textbox").fill("Finance team asks weekly")
    match.get_by_role("button", name=f"Add my account to #{existing.pk}").click()
    expect(page.get_by_test_id("joined")).to_contain_text("Acme Retail is now on")
    link = TicketAccount.objects.get(ticket=existing, account=customer)
    assert (link.added_by_id, link.note) == (rep.pk, "Finance team asks weekly")

    # Something different: file it as new.
    page.get_by_label("Title").fill("Scheduled PDF report emails")
    page.get_by_label("Description").fill("Send the **weekly** report as a PDF every Monday.")
    page.get_by_label("Category").select_option(label="Feature request")
    page.get_by_label("Impact").select_option(label="High")
    page.get_by_label("Source channel").select_option(label="Call")
    page.get_by_role("button", name="Submit feedback").click()
    expect(page.get_by_role("heading", name="Scheduled PDF report emails")).to_be_visible()
    expect(page.get_by_test_id("ticket-description").locator("strong")).to_have_text("weekly")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My feedback").click()
    rows = page.get_by_test_id("my-ticket")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Scheduled PDF report emails")
    expect(rows.nth(0)).to_contain_text("New")
    expect(rows.nth(1)).to_contain_text("Bulk export of reports to CSV")
    expect(rows.nth(1)).to_contain_text("Planned")


@pytest.mark.django_db(transaction=True)
def test_pm_triages_a_ticket_and_links_it_to_a_new_roadmap_item(page, login):
    from tests.factories import ProductManagerFactory

    pm = ProductManagerFactory(username="e2e_fb_pm", first_name="Pat")
    ticket = TicketFactory(title="Okta single sign-on", account=AccountFactory(name="Globex"))

    login(pm)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    rows = page.get_by_test_id("triage-ticket")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name=f"#{ticket.pk} Okta single sign-on").click()

    # htmx: the status column is swapped in place with the new history entry.
    page.get_by_label("Product area").first.fill("Security")
    page.get_by_label("Impact").select_option(label="Blocker")
    page.get_by_label("Status").select_option(label="Triaged")
    page.get_by_role("button", name="Save triage").click()
    expect(page.get_by_test_id("ticket-status")).to_contain_text("Triaged")
    expect(page.get_by_test_id("history")).to_contain_text("impact: Medium → Blocker")

    page.get_by_text("Create a roadmap item from this ticket").click()
    page.get_by_role("button", name="Create and link").click()
    expect(page.get_by_test_id("ticket-status")).to_contain_text("Okta single sign-on")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.impact, ticket.product_area) == ("triaged", "blocker", "Security")
    assert ticket.roadmap_item.title == "Okta single sign-on"
