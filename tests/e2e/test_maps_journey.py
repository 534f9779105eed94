"""An admin uploads an integration map, reads the preview, applies it and ticks a criterion with
evidence; a second admin verifies it; the progress bars move; a CS rep can read but not tick."""

import re

import pytest
from playwright.sync_api import expect

from integrations.models import AcceptanceCriterion
from tests.factories import CsRepFactory, PortalAdminFactory
from tests.maps.factories import SEED_000


@pytest.mark.django_db(transaction=True)
def test_admin_imports_ticks_and_another_admin_verifies(page, login, browser, live_server):
    alex = PortalAdminFactory(username="e2e_alex", first_name="Alex")
    jordan = PortalAdminFactory(username="e2e_jordan", first_name="Jordan")

    login(alex)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integration maps").click()
    page.get_by_role("link", name="Import a map").click()
    page.get_by_label("Document").set_input_files(str(SEED_000))
    page.get_by_label("Cycle start").fill("2026-01-05")
    page.get_by_role("button", name="Preview the import").click()

    report = page.get_by_test_id("import-report")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview")
    expect(report.get_by_test_id("points-added")).to_contain_text("23: 1.1.1, 1.1.2")
    expect(report).to_contain_text("4 added, 0 changed, 0 removed")
    assert not AcceptanceCriterion.objects.exists()  # nothing written before applying

    page.get_by_role("button", name="Apply the import").click()
    expect(page.get_by_role("heading", name="Developer-Product Integration Map")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("23 points added")
    expect(page.get_by_test_id("map-progress")).to_contain_text("0/92 done · 0/92 verified")
    expect(page.get_by_test_id("timeline-phase").first).to_contain_text("Mon 5 Jan")

    page.get_by_role("link", name="Technical Requirements Coordination").click()
    expect(page.get_by_test_id("point-progress")).to_contain_text("0/4 done")
    first = page.get_by_test_id("criterion").first
    first.get_by_label("Evidence note").fill("Spec signed off in PRD-12")
    first.get_by_role("button", name="Tick").click()
    expect(first.get_by_test_id("done-meta")).to_contain_text("Done by Alex")
    expect(first.get_by_test_id("done-meta")).to_contain_text("Spec signed off in PRD-12")
    expect(first).to_contain_text("another admin verifies it")
    expect(page.get_by_test_id("point-progress")).to_contain_text("1/4 done · 0/4 verified")
    expect(page.get_by_test_id("status")).to_have_text("Overdue")  # phase 1 ended in January
    point_url = page.url

    # A second admin verifies it in another session.
    other = browser.new_context(base_url=live_server.url)
    page2 = other.new_page()
    page2.goto("/login/")
    page2.get_by_label("Username").fill(jordan.username)
    page2.get_by_label("Password").fill("test-pass-123")
    page2.get_by_role("button", name="Log in").click()
    page2.wait_for_url("**/")
    page2.goto(point_url)
    second_view = page2.get_by_test_id("criterion").first
    second_view.get_by_role("button", name="Verify").click()
    expect(second_view.get_by_test_id("verified-meta")).to_contain_text("Verified by Jordan")
    expect(page2.get_by_test_id("point-progress")).to_contain_text("1/4 done · 1/4 verified")
    page2.get_by_role("link", name="Developer-Product Integration Map").click()
    expect(page2.get_by_test_id("map-progress")).to_contain_text("1/92 done · 1/92 verified")
    other.close()

    # The board filters in place.
    page.get_by_role("link", name="Developer-Product Integration Map").click()
    expect(page.get_by_test_id("point")).to_have_count(23)
    page.get_by_label("Search", exact=True).fill("1.1.1")
    page.get_by_label("Search", exact=True).press("Enter")
    expect(page.get_by_test_id("point")).to_have_count(1)
    expect(page.get_by_test_id("point")).to_contain_text("1/4 done · 1/4 verified")
    expect(page).to_have_url(re.compile(r"q=1\.1\.1"))

    # A CS rep reads the board but has nothing to tick.
    rep = CsRepFactory(username="e2e_rep")
    page.context.clear_cookies()
    login(rep)
    page.goto(point_url)
    expect(page.get_by_test_id("criterion").first.get_by_test_id("verified-meta")).to_be_visible()
    expect(page.get_by_role("button", name="Tick")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_a_verified_phase_is_collapsed_and_opens_from_the_url_or_the_keyboard(page, login):
    from integrations.maps import services
    from tests.maps.factories import SMALL, import_text

    alex = PortalAdminFactory(username="e2e_alex", first_name="Alex")
    jordan = PortalAdminFactory(username="e2e_jordan", first_name="Jordan")
    imap, _ = import_text(SMALL)
    for crit in AcceptanceCriterion.objects.filter(point__map=imap, point__phase__number=1):
        services.criterion_tick(criterion=crit, actor=alex, evidence_note="x")
        services.criterion_verify(criterion=crit, actor=jordan)
    login(alex)
    page.goto(imap.get_absolute_url())
    first, second = page.locator("#phase-1"), page.locator("#phase-2")
    expect(first).not_to_have_attribute("open", "")
    expect(second).to_have_attribute("open", "")
    # Collapsed, the summary line still says where the phase stands.
    expect(first.locator("summary")).to_contain_text("All verified")
    expect(first.locator("summary")).to_contain_text("2/2 done · 2/2 verified")
    expect(first.get_by_role("link", name="Account sync")).to_be_hidden()
    # The keyboard opens it: the summary takes the focus and Enter toggles it.
    first.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(first.get_by_role("link", name="Account sync")).to_be_visible()
    page.keyboard.press("Enter")
    expect(first.get_by_role("link", name="Account sync")).to_be_hidden()
    # The timeline's link, and a URL naming the phase, open it.
    page.get_by_test_id("timeline-phase").first.get_by_role("link").click()
    expect(first.get_by_role("link", name="Account sync")).to_be_visible()
    page.goto("/")
    page.goto(f"{imap.get_absolute_url()}#phase-1")
    expect(first.get_by_role("link", name="Account sync")).to_be_visible()
