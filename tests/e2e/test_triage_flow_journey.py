"""A PM works through the triage queue without opening a ticket: triages with "save and next",
merges a suggested duplicate and undoes it, declines one and undoes that, then triages two at
once with a bulk action after a confirmation naming the count."""

import pytest
from playwright.sync_api import expect

from feedback.models import FeedbackTicket
from tests.factories import AccountFactory, ProductManagerFactory
from tests.feedback.factories import RoadmapItemFactory, TicketFactory


@pytest.mark.django_db(transaction=True)
def test_pm_triages_in_a_flow_with_undo_and_bulk(page, login):
    pm = ProductManagerFactory(username="e2e_flow_pm", first_name="Pat")
    item = RoadmapItemFactory(title="Okta single sign-on", status="planned")
    first = TicketFactory(
        title="Okta SSO for the admin console", account=AccountFactory(name="Globex")
    )
    second = TicketFactory(title="Okta SSO login", account=AccountFactory(name="Initech"))
    third = TicketFactory(title="Dark mode for reports", account=AccountFactory(name="Umbrella"))
    fourth = TicketFactory(title="CSV export of invoices")
    fifth = TicketFactory(title="Bulk edit of tags")
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm asks; the PM says yes

    login(pm)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Triage").click()
    row = page.locator(f"#ticket-{first.pk}")
    row.get_by_role("link", name="Triage").click()
    panel = row.get_by_test_id("triage-panel")
    expect(panel).to_be_visible()
    # Suggestions: the roadmap item on the same topic, and the similar ticket.
    expect(panel.get_by_test_id("suggested-items")).to_contain_text("Okta single sign-on")
    expect(panel.get_by_test_id("suggested-duplicates")).to_contain_text(f"#{second.pk}")
    expect(panel.get_by_label("Product area")).to_be_focused()  # keyboard first
    panel.get_by_label("Product area").fill("Security")
    panel.get_by_label("Impact").select_option(label="High")
    panel.get_by_role("button", name="Save and next").click()

    expect(page.get_by_test_id("messages")).to_contain_text(
        f"#{first.pk} is triaged: Security · Feature request, high impact."
    )
    expect(row.get_by_test_id("row-status")).to_have_text("Triaged")
    expect(row.get_by_test_id("triage-panel")).to_have_count(0)
    next_row = page.locator(f"#ticket-{second.pk}")
    expect(next_row.get_by_test_id("triage-panel")).to_be_visible()

    # One click links the suggested item.
    next_row.get_by_role("button", name=f"Link #{second.pk} to Okta single sign-on").click()
    expect(page.get_by_test_id("messages")).to_contain_text(
        f"#{second.pk} is linked to “Okta single sign-on”."
    )
    expect(next_row).to_contain_text("Okta single sign-on")
    assert FeedbackTicket.objects.get(pk=second.pk).roadmap_item_id == item.pk

    # Merge the second into the first (suggested), then undo it from the message.
    next_row.get_by_role("link", name="Triage").click()
    expect(next_row.get_by_label("Product area")).to_be_focused()
    next_row.get_by_role("button", name=f"Merge #{second.pk} into #{first.pk}").click()
    messages = page.get_by_test_id("messages")
    expect(messages).to_contain_text(f"#{second.pk} is merged into #{first.pk}")
    expect(next_row.get_by_test_id("row-status")).to_have_text("Duplicate")
    expect(page.locator(f"#ticket-{first.pk}")).to_contain_text("+1")  # its row follows
    messages.get_by_role("button", name="Undo").click()
    expect(messages).to_contain_text(f"Undone: #{second.pk} is new again.")
    expect(next_row.get_by_test_id("row-status")).to_have_text("New")
    assert FeedbackTicket.objects.get(pk=second.pk).status == "new"
    assert FeedbackTicket.objects.get(pk=first.pk).account_count == 1

    # Decline the third with a reason; undo again.
    third_row = page.locator(f"#ticket-{third.pk}")
    third_row.get_by_role("link", name="Triage").click()
    # The panel is live (htmx has processed it) once its first field has the focus: a click
    # before that found the Decline form without its handlers, and nothing was sent.
    expect(third_row.get_by_label("Product area")).to_be_focused()
    third_row.get_by_test_id("decline-reason").fill("Reports get a new theme next quarter")
    third_row.get_by_role("button", name="Decline", exact=True).click()
    expect(messages).to_contain_text(f"#{third.pk} is declined.")
    expect(third_row.get_by_test_id("row-status")).to_have_text("Declined")
    messages.get_by_role("button", name="Undo").click()
    expect(third_row.get_by_test_id("row-status")).to_have_text("New")

    # Bulk: select two, ask, confirm the count, done in one go.
    page.locator(f"#ticket-{fourth.pk}").get_by_test_id("select-ticket").check()
    page.locator(f"#ticket-{fifth.pk}").get_by_test_id("select-ticket").check()
    page.get_by_label("With the selected").select_option(label="Mark triaged")
    page.get_by_test_id("bulk-apply").click()
    confirm = page.get_by_test_id("bulk-confirm")
    expect(confirm).to_contain_text("Mark triaged: 2 tickets?")
    confirm.get_by_role("button", name="Yes, mark triaged 2").click()
    expect(messages).to_contain_text("2 tickets marked triaged.")
    # The table reloads with the queue's filter (new tickets): both have left it.
    expect(page.locator(f"#ticket-{fourth.pk}")).to_have_count(0)
    expect(page.locator(f"#ticket-{fifth.pk}")).to_have_count(0)
    assert set(
        FeedbackTicket.objects.filter(pk__in=[fourth.pk, fifth.pk]).values_list("status", flat=True)
    ) == {"triaged"}


@pytest.mark.django_db(transaction=True)
def test_keyboard_moves_between_rows_and_opens_the_panel(page, login):
    pm = ProductManagerFactory(username="e2e_keys_pm")
    tickets = [TicketFactory(title=f"Keyboard ticket {n}") for n in range(3)]
    page.set_default_timeout(10_000)
    login(pm)
    page.goto("/feedback/triage/")
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(
        page.locator(f"#ticket-{tickets[0].pk}").get_by_role("link", name="Triage")
    ).to_be_focused()
    page.keyboard.press("j")
    second = page.locator(f"#ticket-{tickets[1].pk}")
    expect(second.get_by_role("link", name="Triage")).to_be_focused()
    page.keyboard.press("Enter")
    expect(second.get_by_test_id("triage-panel")).to_be_visible()
    expect(second.get_by_label("Product area")).to_be_focused()
