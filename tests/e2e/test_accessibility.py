"""axe-core (npm, served from node_modules like htmx) on every main page, for each role, on the
demo data every newcomer sees: no serious or critical violation (contrast, labels, names). The same
walk audits the Content Security Policy (no inline script or style: ``portal.settings``): the
browser reports no violation on any of those pages."""

import json

import pytest
from django.core.management import call_command

AXE = "/static/vendor/axe-core/axe.min.js"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PHONE_PAGES = {"/", "/roadmap/", "/feedback/new/", "/accounts/", "/search/?q=health"}
RUN_AXE = """async () => {
  const tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)
  }));
}"""
# Every CSP violation the browser reports, kept on the page for the test to read.
CSP_LISTENER = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " +
                         (e.sourceFile || "") + ":" + e.lineNumber));"""


def _pages():
    from feedback.models import FeedbackTicket
    from integrations.models import IntegrationMap, IntegrationPoint
    from portal.models import Account
    from roadmap.models import BetaProgram, LaunchPlan, RoadmapItem

    first = {
        "account": Account.objects.order_by("health_score").first(),
        "ticket": FeedbackTicket.objects.order_by("id").first(),
        "item": RoadmapItem.objects.order_by("rank").first(),
        "program": BetaProgram.objects.order_by("id").first(),
        "plan": LaunchPlan.objects.order_by("id").first(),
        "map": IntegrationMap.objects.order_by("id").first(),
        "point": IntegrationPoint.objects.order_by("id").first(),
    }
    common = ["/", "/accounts/", "/accounts/?tier=enterprise", "/search/?q=health", "/inbox/"]
    common += [first[key].get_absolute_url() for key in ("account", "item", "program", "point")]
    common += ["/roadmap/", "/roadmap/items/", "/roadmap/betas/", "/roadmap/launches/"]
    common += [first["plan"].get_absolute_url(), first["map"].get_absolute_url()]
    common += ["/integrations/maps/", "/integrations/kpis/", "/no-such-page/"]
    return {
        "rep": [*common, "/feedback/new/", "/feedback/mine/", "/roadmap/votes/",
                first["ticket"].get_absolute_url(), "/integrations/sync/"],
        "pm": [*common, "/feedback/triage/", first["ticket"].get_absolute_url(),
               "/roadmap/scoring/", "/roadmap/launches/?readiness=blocked",
               "/roadmap/launches/?readiness=late"],
        "admin": [*common, "/integrations/sync/"],
    }  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_accessibility_violation(browser, live_server):
    from portal.demo import demo_password

    call_command("seed_demo", verbosity=0)
    found: dict[str, list] = {}
    csp: dict[str, list] = {}
    for username, paths in _pages().items():
        for viewport in (DESKTOP, PHONE):
            if viewport is PHONE:  # the phone layout's own parts: menu, board strip, form order
                paths = [p for p in paths if p in PHONE_PAGES]
            context = browser.new_context(base_url=live_server.url, viewport=viewport)
            context.set_default_timeout(30_000)
            context.add_init_script(CSP_LISTENER)
            page = context.new_page()
            page.goto("/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(demo_password())
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url("**/")
            for path in paths:
                page.goto(path)
                # Panels that load by htmx are dimmed while they load: check the settled page.
                page.wait_for_load_state("networkidle")
                if blocked := page.evaluate("window.__csp"):
                    csp[f"{username} {viewport['width']} {path}"] = blocked
                page.add_script_tag(url=AXE)
                violations = page.evaluate(RUN_AXE)
                if violations:
                    found[f"{username} {viewport['width']} {path}"] = violations
            context.close()
    assert found == {}, json.dumps(found, indent=1)
    assert csp == {}, json.dumps(csp, indent=1)
