"""The look and the lists in a real browser: filters round-trip through the URL, the phone
layout (compact menu, one board column at a time, similar tickets before Submit) and the header
search with its ``/`` key."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory
from tests.feedback.factories import TicketFactory
from tests.roadmap.factories import RoadmapItemFactory

PHONE = {"width": 390, "height": 844}
# Generous: the shared CI machine may be busy; nothing here measures time.
TIMEOUT = 30_000


@pytest.mark.django_db(transaction=True)
def test_roadmap_list_filters_round_trip_through_the_url(page, login):
    page.set_default_timeout(TIMEOUT)
    pm = ProductManagerFactory(username="e2e_ui_pm", first_name="Pat")
    RoadmapItemFactory(title="Planned thing", status="planned", horizon="now", owner=pm)
    RoadmapItemFactory(title="Considered thing", status="under_consideration", horizon="later")
    login(pm)
    page.goto("/roadmap/items/")
    bar = page.get_by_test_id("filter-bar")
    expect(bar.get_by_role("combobox", name="Owner PM")).to_be_visible()
    expect(page.get_by_test_id("filter-count")).to_have_text("2 items")

    page.get_by_test_id("filter-status").locator("summary").click()
    page.get_by_test_id("filter-status").get_by_label("Planned").check()
    expect(page).to_have_url(re.compile(r"status=planned"))
    expect(page.get_by_test_id("filter-count")).to_have_text("1 item")
    expect(page.get_by_test_id("filter-chip")).to_have_text(re.compile("Status: Planned"))
    expect(page.locator("#items")).not_to_contain_text("Considered thing")

    # The URL is the view: open it fresh (a bookmark, a shared link) and the state is back.
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    expect(page.get_by_test_id("filter-status").get_by_label("Planned")).to_be_checked()
    expect(page.get_by_test_id("filter-count")).to_have_text("1 item")

    page.get_by_role("combobox", name="Owner PM").select_option(label=str(pm))
    expect(page).to_have_url(re.compile(rf"owner={pm.pk}"))
    expect(page.get_by_test_id("filter-chip")).to_have_count(2)

    # A chip removes its own filter, "Clear filters" the rest.
    page.get_by_role("link", name="Remove filter Status: Planned").click()
    expect(page).not_to_have_url(re.compile(r"status="))
    expect(page.get_by_test_id("filter-chip")).to_have_count(1)
    page.get_by_test_id("filter-clear").click()
    expect(page.get_by_test_id("filter-count")).to_have_text("2 items")
    expect(page.get_by_test_id("filter-chip")).to_have_count(0)


@pytest.mark.django_db(transaction=True)
def test_accounts_search_types_into_the_url_and_keeps_focus(page, login):
    page.set_default_timeout(TIMEOUT)
    pm = ProductManagerFactory(username="e2e_ui_pm2")
    AccountFactory(name="Globex Retail", tier="enterprise")
    AccountFactory(name="Initech", tier="smb")
    login(pm)
    page.goto("/accounts/")
    box = page.get_by_test_id("filter-bar").get_by_role("searchbox")
    box.press_sequentially("glob", delay=30)
    expect(page).to_have_url(re.compile(r"q=glob"))
    expect(page.get_by_test_id("filter-count")).to_have_text("1 account")
    expect(box).to_be_focused()
    page.get_by_test_id("filter-tier").locator("summary").click()
    page.get_by_test_id("filter-tier").get_by_label("SMB").check()
    expect(page.get_by_test_id("filter-count")).to_have_text("0 accounts")
    page.go_back()
    expect(page).to_have_url(re.compile(r"q=glob$"))


@pytest.mark.django_db(transaction=True)
def test_header_search_with_the_slash_key(page, login):
    page.set_default_timeout(TIMEOUT)
    rep = CsRepFactory(username="e2e_ui_rep")
    AccountFactory(name="Umbrella Health")
    RoadmapItemFactory(title="Umbrella dashboards")
    login(rep)
    page.keyboard.press("/")
    expect(page.locator("#header-search-q")).to_be_focused()
    page.keyboard.type("umbrella")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("search-group-accounts")).to_contain_text("Umbrella Health")
    expect(page.get_by_test_id("search-group-items")).to_contain_text("Umbrella dashboards")


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True)
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    yield page
    context.close()


def _login(page, user):
    from tests.factories import PASSWORD

    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


@pytest.mark.django_db(transaction=True)
def test_phone_menu_is_compact_and_the_board_shows_one_column(phone):
    pm = ProductManagerFactory(username="e2e_ui_phone_pm")
    for status in ("under_consideration", "planned", "in_progress", "shipped"):
        RoadmapItemFactory(title=f"Item {status}", status=status)
    _login(phone, pm)
    header = phone.get_by_test_id("topbar").bounding_box()
    assert header["height"] <= PHONE["height"] * 0.12, header  # was about 40% of the screen
    nav = phone.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    nav.get_by_role("link", name="Roadmap").click()

    columns = phone.locator("#board > .column")
    expect(columns).to_have_count(4)
    width = PHONE["width"]
    boxes = [columns.nth(i).bounding_box() for i in range(4)]
    assert boxes[0]["x"] >= 0 and boxes[0]["x"] + boxes[0]["width"] <= width
    assert all(box["x"] >= width for box in boxes[1:])  # the others wait off-screen
    # The column tabs bring the next column into view.
    phone.locator(".board-tabs").get_by_role("link", name=re.compile("Planned")).click()
    planned = phone.locator("#board > .column[data-status=planned]")
    phone.wait_for_function(
        "el => Math.abs(el.getBoundingClientRect().left) < 40", arg=planned.element_handle()
    )


@pytest.mark.django_db(transaction=True)
def test_phone_feedback_form_shows_similar_tickets_before_submit(phone):
    rep = CsRepFactory(username="e2e_ui_phone_rep")
    AccountFactory(name="Acme Retail", csm_owner=rep)
    TicketFactory(title="Bulk export of reports to CSV")
    _login(phone, rep)
    phone.goto("/feedback/new/")
    phone.get_by_label("Title").press_sequentially("export csv", delay=30)
    match = phone.get_by_test_id("similar-ticket")
    expect(match).to_have_count(1)
    similar = phone.locator(".similar-box").bounding_box()
    submit = phone.get_by_role("button", name="Submit feedback").bounding_box()
    assert similar["y"] + similar["height"] <= submit["y"], (similar, submit)
