"""Demo feedback (idempotent): ~60 tickets from the demo reps across accounts, impacts and the
whole workflow, some joined by other accounts, some linked to the demo roadmap items (if any),
a few declined or merged as duplicates. A second run changes nothing."""

import random

from portal.models import Account, User
from roadmap.models import BetaProgram, RoadmapItem

from . import services
from .choices import Category, Impact, Source, TicketStatus
from .models import FeedbackTicket

# (title, product area, category, description, customer quote)
THEMES = [
    (
        "Bulk export of reports to CSV",
        "Reporting",
        Category.FEATURE_REQUEST,
        "Finance exports every **monthly report** by hand. They need a bulk CSV export with the "
        "filters applied.",
        "We spend a day a month copying tables into spreadsheets.",
    ),
    (
        "Single sign-on with Okta",
        "Security",
        Category.FEATURE_REQUEST,
        "IT requires SAML SSO through Okta before rolling out to more teams.",
        "No SSO, no expansion. That's our security policy.",
    ),
    (
        "Dashboard loads slowly with many widgets",
        "Dashboards",
        Category.BUG,
        "Dashboards with more than 20 widgets take over 10 seconds to load.",
        "Our execs stopped opening the dashboard.",
    ),
    (
        "Custom fields on accounts",
        "Data model",
        Category.FEATURE_REQUEST,
        "They track contract tier and region and need custom fields on accounts, usable in "
        "filters.",
        "We keep a shadow spreadsheet just for two fields.",
    ),
    (
        "Slack notifications for workflow approvals",
        "Workflows",
        Category.IMPROVEMENT,
        "Approvers miss approval requests in email; they want them in Slack with approve buttons.",
        "Approvals wait for days because nobody sees the email.",
    ),
    (
        "Audit log export for compliance",
        "Security",
        Category.FEATURE_REQUEST,
        "Auditors ask for a full audit log export (who changed what) every quarter.",
        "SOC 2 audit is in March and we can't produce the log.",
    ),
    (
        "Mobile app crashes on photo upload",
        "Mobile",
        Category.BUG,
        "Field teams on Android 14 see a crash when attaching photos larger than 10 MB.",
        "Our technicians gave up on the app.",
    ),
    (
        "Role-based dashboards",
        "Dashboards",
        Category.IMPROVEMENT,
        "Different dashboards per role (manager, agent) instead of one for everybody.",
        "",
    ),
    (
        "API rate limits too low for nightly sync",
        "API",
        Category.IMPROVEMENT,
        "Their nightly sync of 200k records hits the rate limit and takes 6 hours.",
        "The sync is still running when people start work.",
    ),
    (
        "Scheduled report emails",
        "Reporting",
        Category.FEATURE_REQUEST,
        "Send a report as PDF every Monday morning to a distribution list.",
        "",
    ),
    (
        "Workflow builder: conditional branches",
        "Workflows",
        Category.FEATURE_REQUEST,
        "Workflows need if/else branches based on field values.",
        "We built twelve near-identical workflows instead of one.",
    ),
    (
        "How to restrict data by region?",
        "Security",
        Category.QUESTION,
        "Customer asks whether record visibility can be restricted by region.",
        "",
    ),
    (
        "Salesforce two-way sync",
        "Integrations",
        Category.FEATURE_REQUEST,
        "Opportunities should sync both ways with Salesforce, not only import.",
        "Sales won't log in to two tools.",
    ),
    (
        "Dark mode",
        "UI",
        Category.IMPROVEMENT,
        "Support agents working night shifts ask for dark mode.",
        "",
    ),
    (
        "Search ignores accented characters",
        "Search",
        Category.BUG,
        "Searching for *Jose* does not find *José*.",
        "Half of our customers are in Spain.",
    ),
]
VARIANTS = {
    0: "Export reports as CSV files",
    1: "SAML SSO for Okta users",
    2: "Slow dashboard with lots of widgets",
    4: "Approval requests in Slack",
    6: "Android app crash when uploading photos",
    10: "Conditional logic in workflow builder",
    12: "Bi-directional Salesforce sync",
}
# The roadmap item (by its demo title) each theme's tickets are about; themes with no item on
# their topic stay unlinked rather than feeding an unrelated item.
THEME_ITEMS = {
    0: "Scheduled CSV exports",
    1: "SSO with Okta and Azure AD",
    4: "Workflow automation builder",
    5: "Audit log export",
    6: "Mobile app for CSMs",
    7: "Role-based dashboards",
    9: "Scheduled CSV exports",
    10: "Workflow automation builder",
    11: "Data residency in the EU",
    12: "Salesforce two-way sync",
    13: "Dark mode",
}
# How many tickets end in each status (about 60 in all).
PLAN = (
    [TicketStatus.NEW] * 20
    + [TicketStatus.TRIAGED] * 10
    + [TicketStatus.PLANNED] * 8
    + [TicketStatus.IN_PROGRESS] * 6
    + [TicketStatus.SHIPPED] * 6
    + [TicketStatus.CLOSED] * 3
    + [TicketStatus.DECLINED] * 4
    + [TicketStatus.DUPLICATE] * 3
)
PATH = [
    TicketStatus.TRIAGED,
    TicketStatus.PLANNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.SHIPPED,
    TicketStatus.CLOSED,
]


def seed(*, scale: int = 1, stdout=None) -> dict:
    if FeedbackTicket.objects.filter(title=THEMES[0][0]).exists():
        return {"feedback tickets": FeedbackTicket.objects.count()}
    reps = list(User.objects.filter(groups__name="cs_rep").order_by("username"))
    pm = User.objects.filter(groups__name="product_manager").order_by("username").first()
    accounts = list(Account.objects.active().select_related("csm_owner").order_by("id")[:40])
    if not reps or not accounts:
        return {"feedback tickets": 0}
    items = {
        item.title: item for item in RoadmapItem.objects.filter(title__in=THEME_ITEMS.values())
    }
    program = BetaProgram.objects.order_by("id").first()
    rng = random.Random(7)
    impacts = [Impact.BLOCKER, Impact.HIGH, Impact.HIGH, Impact.MEDIUM, Impact.MEDIUM, Impact.LOW]
    created: list[FeedbackTicket] = []
    for n, target in enumerate(PLAN):
        index = n % len(THEMES)
        title, area, category, description, quote = THEMES[index]
        account = accounts[(n * 7) % len(accounts)]
        if len(THEMES) <= n < 2 * len(THEMES) and index in VARIANTS:
            title = VARIANTS[index]
        elif n >= len(THEMES):
            title = f"{title} ({account.name})"  # the ticket's own account
        # A rep files for, and adds, the accounts they manage (portal.onbehalf).
        rep = account.csm_owner or reps[n % len(reps)]
        ticket = services.feedback_submit(
            account=account,
            submitter=rep,
            title=title,
            description=description,
            category=category,
            impact=rng.choice(impacts),
            source=rng.choice(Source.values),
            product_area=area if target != TicketStatus.NEW or n % 3 else "",
            customer_quote=quote,
            beta_program=program if program and area == "Workflows" else None,
        )
        for extra in range(n % 3):
            other = accounts[(n * 7 + 11 + extra * 5) % len(accounts)]
            services.ticket_join(
                ticket=ticket,
                account=other,
                actor=other.csm_owner or reps[(n + extra + 1) % len(reps)],
                note="Same request from this customer.",
            )
        item = items.get(THEME_ITEMS.get(index, ""))
        _advance(ticket, target, pm=pm, item=item, created=created)
        created.append(ticket)
    if stdout is not None:
        stdout.write(f"feedback tickets: {len(created)}")
    return {"feedback tickets": len(created)}


def _advance(ticket, target, *, pm, item, created) -> None:
    if target == TicketStatus.NEW or pm is None:
        return
    if target == TicketStatus.DUPLICATE:
        kept = next((t for t in created if t.status != TicketStatus.DUPLICATE), None)
        if kept is not None:
            services.ticket_mark_duplicate(ticket=ticket, kept=kept, actor=pm)
        return
    if target == TicketStatus.DECLINED:
        services.ticket_set_status(
            ticket=ticket,
            status=TicketStatus.DECLINED,
            actor=pm,
            reason="Out of scope for the product; a partner integration covers it.",
        )
        return
    if item is not None:
        services.ticket_link_item(ticket=ticket, item=item, actor=pm)
    for status in PATH:
        if status == TicketStatus.SHIPPED:
            # Demo history: shipped long ago, so no close-the-loop emails go out while seeding.
            FeedbackTicket.objects.filter(pk=ticket.pk).update(status=status)
        elif status == TicketStatus.CLOSED:
            FeedbackTicket.objects.filter(pk=ticket.pk).update(status=status)
        else:
            services.ticket_set_status(ticket=ticket, status=status, actor=pm)
        ticket.status = status
        if status == target:
            return
