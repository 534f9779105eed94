"""A PM opens a shipped item: the Adoption panel draws the weekly chart (requesters vs everyone
else) with data, its table and the barrier list, and the page logs no console errors; the PM sets
the aha moment from the panel."""

import pytest
from playwright.sync_api import expect

from integrations.models import AdoptionMilestone
from tests.adoption.dataset import build
from tests.factories import ProductManagerFactory


@pytest.mark.django_db(transaction=True)
def test_pm_sees_the_adoption_chart_with_data_and_no_console_errors(page, login, settings):
    settings.ADOPTION_MIN_SAMPLE = 3
    data = build(milestone=None)
    pm = ProductManagerFactory(username="e2e_adoption_pm")
    problems: list[str] = []

    def console(message):
        # The portal has no favicon: the browser's own /favicon.ico 404 is not the page's error.
        if message.type == "error" and not message.location.get("url", "").endswith("favicon.ico"):
            problems.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda e: problems.append(str(e)))

    login(pm)
    page.goto(data["item"].get_absolute_url())
    panel = page.locator("#adoption")
    expect(panel.get_by_test_id("adoption-headline")).to_contain_text("3 of 8")
    chart = panel.locator("svg.chart-line")
    expect(chart).to_be_visible()
    assert chart.locator("polyline").count() == 2  # requesters, everyone else
    assert chart.locator("circle").count() >= 2 * 8  # a point per week and series
    assert chart.bounding_box()["width"] > 300
    expect(chart.locator("title").first).to_contain_text("Requesters adopt")
    panel.get_by_text("Weekly figures").click()
    expect(panel.get_by_test_id("adoption-trend-table")).to_contain_text("W8")
    expect(panel.get_by_test_id("barrier-table")).to_contain_text("A3")
    expect(panel.get_by_test_id("recommendations")).to_contain_text("Casey Care: contact 1")

    panel.get_by_label("Uses").fill("4")
    panel.get_by_label("Within days of first use").fill("10")
    panel.get_by_role("button", name="Set aha moment").click()
    expect(page.get_by_role("status")).to_contain_text("Aha moment for “Okta SSO” set")
    expect(page.locator("#adoption")).to_contain_text("4 uses within 10 days")
    assert AdoptionMilestone.objects.get(item=data["item"]).uses == 4
    assert problems == [], problems
