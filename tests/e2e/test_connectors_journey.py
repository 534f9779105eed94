"""A portal admin opens Sync, starts a HubSpot sync with "Sync now" and watches the row update in
place (htmx polling) until the run has finished; then redelivers a dead letter."""

import json

import pytest
from playwright.sync_api import expect
from werkzeug import Response

from integrations.connectors.runs import sync_run_execute
from integrations.models import ConnectionKind, Delivery, SyncRun
from portal.models import OutboxEvent
from tests.connectors.factories import ConnectionFactory
from tests.factories import PortalAdminFactory


@pytest.mark.django_db(transaction=True)
def test_admin_syncs_now_and_sees_the_run_finish(page, login, httpserver, monkeypatch):
    monkeypatch.setenv("CONNECTOR_E2E_HUBSPOT_TOKEN", "pat-e2e")

    def companies(request):
        after = request.args.get("after")
        body = {
            "results": [
                {
                    "id": f"{after or 0}1",
                    "properties": {"name": f"Synced {after or 0}", "customer_tier": "smb"},
                }
            ]
        }
        if after is None:
            body["paging"] = {"next": {"after": "2"}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/crm/v3/objects/companies").respond_with_handler(companies)
    crm = ConnectionFactory(
        name="HubSpot companies",
        kind=ConnectionKind.CRM,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_E2E_HUBSPOT_TOKEN",
    )
    hook = ConnectionFactory(
        name="Ops webhook", kind=ConnectionKind.WEBHOOK, base_url="http://127.0.0.1:9/x"
    )
    event = OutboxEvent.objects.create(topic="item_shipped", payload={"title": "SSO"})
    Delivery.objects.create(
        connection=hook,
        event=event,
        topic=event.topic,
        status="dead",
        attempts=8,
        last_error="Attempt 8: the webhook endpoint server error (HTTP 503).",
    )
    admin = PortalAdminFactory(username="e2e_admin")

    login(admin)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sync").click()
    row = page.locator(f"#connection-{crm.pk}")
    expect(row).to_contain_text("Never run")

    row.get_by_role("button", name="Sync now").click()
    expect(row).to_contain_text("Pull")  # swapped in place by htmx
    run = SyncRun.objects.get(connection=crm)
    sync_run_execute(run_id=run.pk)  # what the worker does (already done when Celery is eager)
    expect(row).to_contain_text("Succeeded", timeout=15_000)  # the row polls until it is done
    expect(row).to_contain_text("+2")

    page.get_by_role("button", name="Redeliver").click()
    expect(page.get_by_role("status")).to_contain_text("queued for redelivery")
