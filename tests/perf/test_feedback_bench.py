"""Feedback benchmarks on ~20,000 tickets: similar-ticket search, the triage page, an API batch
of 50. Run with `make bench` (PostgreSQL via DATABASE_URL); prints figures, asserts nothing about
time."""

import random
import statistics
import time

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from feedback.models import FeedbackTicket, TicketAccount
from feedback.search import similar_tickets
from portal.models import Account
from tests.factories import CsRepFactory, ProductManagerFactory

TICKETS = 20_000
ACCOUNTS = 500
_VERBS = (
    "Export Import Sync Filter Schedule Share Archive Approve Merge Tag Search Restrict "
    "Bulk-edit Duplicate Audit Notify Translate Print Embed Automate"
)
VERBS = _VERBS.split()
_FILLER = (
    "customer team manager weekly monthly daily finance sales support operations workaround "
    "manual spreadsheet slow broken missing confusing urgent renewal churn risk expansion "
    "executive sponsor rollout onboarding training adoption complaint request blocked waiting "
    "quarter budget compliance security policy legal regional global partner vendor migration "
    "legacy performance timeout error screen button page field column export value default "
    "setting option configuration limit quota storage license seat pricing tier contract"
)
FILLER = _FILLER.split()
_OBJECTS = (
    "reports dashboards contacts invoices tickets workflows widgets users roles permissions "
    "comments attachments forms surveys campaigns segments accounts opportunities tasks calendars "
    "projects timesheets expenses assets orders products quotes contracts documents notes "
    "webhooks integrations emails alerts metrics goals playbooks sequences territories teams"
)
OBJECTS = _OBJECTS.split()
_QUALIFIERS = (
    "to CSV|to PDF|from Salesforce|with Okta SSO|in Slack|on mobile|by region|for admins|"
    "every Monday|in bulk|with custom fields|via the API|in dark mode|offline|in real time|"
    "with conditional logic|across workspaces|for auditors|by owner|with approvals|"
    "from spreadsheets|into HubSpot|with history|per team|on a schedule"
)
QUALIFIERS = _QUALIFIERS.split("|")


def _median_ms(fn, runs=15) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


@pytest.fixture
def data(django_db_blocker):
    rng = random.Random(11)
    rep = CsRepFactory(username="bench_rep")
    accounts = Account.objects.bulk_create(
        Account(name=f"Bench {i:04d}", tier=rng.choice(["enterprise", "mid_market", "smb"]),
                health_score=rng.randint(10, 99), arr=rng.randint(5, 900) * 1000)
        for i in range(ACCOUNTS)
    )  # fmt: skip
    statuses = ["new"] * 5 + ["triaged", "planned", "in_progress", "shipped", "closed"]
    titles = [
        f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(QUALIFIERS)}"
        for _ in range(TICKETS)
    ]
    tickets = FeedbackTicket.objects.bulk_create(
        FeedbackTicket(
            account=rng.choice(accounts),
            submitter=rep,
            title=title,
            description=f"{title}. " + " ".join(rng.choice(FILLER) for _ in range(30)),
            category=rng.choice(["feature_request", "bug", "improvement", "question"]),
            impact=rng.choice(["blocker", "high", "medium", "low"]),
            source=rng.choice(["call", "email", "survey"]),
            status=rng.choice(statuses),
        )
        for title in titles
    )
    TicketAccount.objects.bulk_create(
        TicketAccount(ticket=t, account_id=t.account_id, added_by=rep, joined=False)
        for t in tickets
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE feedback_feedbackticket")
    return {"rep": rep, "accounts": accounts}


@pytest.mark.django_db
def test_feedback_benchmarks(data, client):
    out = [f"\nfeedback benchmarks on {connection.vendor}, {TICKETS} tickets"]
    queryset = FeedbackTicket.objects.for_lists()
    for text in ["export reports csv", "Sync contacts from Salesforce", "dashbord widgets"]:
        found = similar_tickets(queryset, text)
        ms = _median_ms(lambda text=text: similar_tickets(queryset, text))
        out.append(f"  similar '{text}': {ms:.1f} ms median ({len(found)} shown)")
    if connection.vendor == "postgresql":
        from feedback.search import _rank_postgres

        plan = _rank_postgres(queryset, "export reports csv")[:5].explain()
        used = [name for name in ("title_fts_idx", "title_trgm_idx") if name in plan]
        out.append(f"  similar search plan uses: {', '.join(used) or 'no index (seq scan)'}")

    pm = ProductManagerFactory(username="bench_pm")
    client.force_login(pm)
    url = reverse("feedback:triage")
    for label, params in [
        ("default (new, oldest first)", {}),
        ("search 'okta' + blocker, by ARR", {"q": "okta", "impact": "blocker", "ordering": "-arr"}),
        ("page 20 of all", {"status": ["new", "triaged"], "page": 20}),
        ("all open, most accounts first", {"status": ["new", "triaged"], "ordering": "-accounts"}),
    ]:
        assert client.get(url, params).status_code == 200
        ms = _median_ms(lambda params=params: client.get(url, params), runs=9)
        out.append(f"  triage page {label}: {ms:.1f} ms median")

    api = APIClient()
    api.force_authenticate(data["rep"])
    batch = [
        {"account": data["accounts"][i].pk, "title": f"Batch request {i}", "description": "d",
         "category": "bug", "impact": "high", "source": "email"}
        for i in range(50)
    ]  # fmt: skip
    timings = []
    for run in range(5):
        start = time.perf_counter()
        response = api.post(
            reverse("api-feedback-submit"), batch, format="json", HTTP_IDEMPOTENCY_KEY=f"b{run}"
        )
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 201
    out.append(f"  API batch of 50: {statistics.median(timings):.0f} ms median of 5")
    print("\n".join(out))
