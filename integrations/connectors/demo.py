"""Demo data for the connectors (idempotent): example connections — disabled, since their URLs
point at nothing real — with a few past sync runs, some usage and a dead letter to look at."""

import datetime as dt
import random

from django.utils import timezone

from integrations.models import (
    Connection,
    ConnectionKind,
    Delivery,
    DeliveryStatus,
    FeatureUsage,
    RunStatus,
    SyncRun,
)
from portal.models import Account, OutboxEvent

CONNECTIONS = [
    (
        "Jira (product)",
        ConnectionKind.JIRA,
        "https://example.atlassian.net",
        "CONNECTOR_JIRA_CREDENTIAL",
        "CONNECTOR_JIRA_WEBHOOK_SECRET",
        {"project_key": "PROD", "issue_type": "Story"},
    ),
    (
        "HubSpot companies",
        ConnectionKind.CRM,
        "https://api.hubapi.com",
        "CONNECTOR_HUBSPOT_TOKEN",
        "",
        {
            # HubSpot's industry values → the portal's segments (docs/connectors.md).
            "segment_map": {
                "HOSPITAL_HEALTH_CARE": "healthcare",
                "FINANCIAL_SERVICES": "fintech",
                "RETAIL": "retail",
                "MACHINERY": "manufacturing",
                "GOVERNMENT_ADMINISTRATION": "public_sector",
                "COMPUTER_SOFTWARE": "saas",
            }
        },
    ),
    (
        "Segment (product usage)",
        ConnectionKind.ANALYTICS,
        "",
        "",
        "CONNECTOR_SEGMENT_SHARED_SECRET",
        {},
    ),
    (
        "Ops webhook",
        ConnectionKind.WEBHOOK,
        "https://hooks.example.com/portal",
        "",
        "CONNECTOR_PORTAL_WEBHOOK_SECRET",
        {"events": ["feedback_submitted", "item_shipped", "roadmap_priority_changed"]},
    ),
    (
        "#product-launches",
        ConnectionKind.SLACK,
        "",
        "CONNECTOR_SLACK_WEBHOOK_URL",
        "",
        {"events": ["item_shipped"]},
    ),
]
FEATURES = ["reports", "dashboards", "api", "sso", "exports", "alerts"]


def seed(*, scale: int = 1, stdout=None) -> dict:
    connections = {}
    for name, kind, url, cred, secret, options in CONNECTIONS:
        connection, _ = Connection.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "base_url": url,
                "credential_env": cred,
                "secret_env": secret,
                "settings": options,
                "enabled": False,
            },
        )
        connections[kind] = connection
    now = timezone.now()
    runs = 0
    for kind, history in (
        (
            ConnectionKind.CRM,
            [(RunStatus.SUCCEEDED, ""), (RunStatus.FAILED, _RATE_LIMIT), (RunStatus.SUCCEEDED, "")],
        ),
        (ConnectionKind.JIRA, [(RunStatus.SUCCEEDED, ""), (RunStatus.FAILED, _AUTH)]),
    ):
        connection = connections[kind]
        if connection.runs.exists():
            continue
        # Oldest first, so the newest run is also the last one created.
        for index, (status, error) in enumerate(history):
            age = len(history) - index
            started = now - dt.timedelta(hours=6 * age)
            SyncRun.objects.create(
                connection=connection,
                status=status,
                started_at=started,
                finished_at=started + dt.timedelta(seconds=40),
                pages=3 if status == RunStatus.SUCCEEDED else 1,
                created=12 if index == 0 else 0,
                updated=4 if status == RunStatus.SUCCEEDED else 1,
                unchanged=230,
                error=error,
                attempts=1,
            )
            runs += 1
    usage = _seed_usage(scale)
    _seed_dead_letter(connections[ConnectionKind.WEBHOOK])
    if stdout:
        stdout.write(f"connectors: {len(connections)} connections, {runs} runs, {usage} usage rows")
    return {"connections": len(connections), "sync_runs": runs, "feature_usage": usage}


_RATE_LIMIT = "HubSpot rate limit hit (HTTP 429): still limited after 4 attempts."
_AUTH = "Jira refused the credentials (HTTP 401). Check the credential variable of this connection."


def _seed_usage(scale: int) -> int:
    if FeatureUsage.objects.exists():
        return 0
    rng = random.Random(7)  # same demo every time
    today = timezone.localdate()
    rows = []
    for account in Account.objects.order_by("pk")[: 24 * scale]:
        for feature in rng.sample(FEATURES, 3):
            for back in range(0, 14, 2):
                rows.append(
                    FeatureUsage(
                        account=account,
                        feature=feature,
                        day=today - dt.timedelta(days=back),
                        events=rng.randint(1, 40),
                        users=rng.randint(1, 8),
                    )
                )
    FeatureUsage.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _seed_dead_letter(connection) -> None:
    if Delivery.objects.filter(connection=connection).exists():
        return
    event = OutboxEvent.objects.create(
        topic="item_shipped",
        payload={
            "item_id": 0,
            "title": "Demo: SSO for sandboxes",
            "previous_status": "in_progress",
        },
        dispatched_at=timezone.now(),
    )
    Delivery.objects.create(
        connection=connection,
        event=event,
        topic=event.topic,
        status=DeliveryStatus.DEAD,
        attempts=8,
        last_status_code=503,
        last_error="Attempt 8: the webhook endpoint server error (HTTP 503).",
        dead_lettered_at=timezone.now(),
    )
