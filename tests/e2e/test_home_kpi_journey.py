"""Per role: the home page shows that role's panels and the KPI page draws its charts with data
points, with no console errors (Debian's Chromium through Playwright)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PortalAdminFactory
from tests.kpis.data import build, build_map

ROLES = {
    "cs_rep": ("kpi_rep0", "panel-my-feedback", "My open feedback"),
    "product_manager": ("kpi_pm", "panel-triage", "Triage queue"),
    "portal_admin": ("e2e_kpi_admin", "panel-checklist", "Checklist progress"),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(ROLES))
def test_home_and_kpi_charts_render_per_role(page, login, role):
    from portal.models import User

    admin = PortalAdminFactory(username="e2e_kpi_admin", first_name="Ada")
    build()
    build_map(admin)
    username, panel, heading = ROLES[role]
    errors: list[str] = []
    page.on(
        "console",
        lambda msg: errors.append(f"{msg.text} {msg.location}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "response",
        lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )

    login(User.objects.get(username=username))
    expect(page.get_by_test_id(panel)).to_be_visible()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_test_id("panel-inbox")).to_be_visible()
    others = {p for r, (_, p, _) in ROLES.items() if r != role}
    for other in others:
        expect(page.get_by_test_id(other)).to_have_count(0)

    page.get_by_role("link", name="KPIs").click()
    expect(page.get_by_role("heading", name="How the loop is doing")).to_be_visible()
    conversion = page.get_by_test_id("kpi-conversion")
    expect(conversion.locator(".kpi-value")).to_have_text("80%")
    # The target line has a point in each of the 12 weeks, the conversion one per week with
    # tickets (one or two, depending on the weekday the test runs).
    assert 13 <= conversion.locator("svg circle").count() <= 14
    assert page.get_by_test_id("kpi-influence").locator("svg rect").count() >= 1
    assert page.get_by_test_id("kpi-map-targets").locator("svg circle").count() >= 2
    expect(page.get_by_test_id("kpi-freshness")).to_contain_text("Figures computed")
    assert errors == []
