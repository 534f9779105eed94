"""The admin shows what the connectors wrote but does not edit it: runs, lineage, receipts, usage,
processed messages, insights, deliveries and Jira requests are read-only (the services and syncs
are their only writers); a connection is saved through ``connection_save``."""

import pytest
from django.contrib import admin
from django.urls import reverse

from integrations.models import (
    AdoptionInsight,
    Connection,
    Delivery,
    FeatureUsage,
    JiraIssueRequest,
    ProcessedMessage,
    SyncedRecord,
    SyncRun,
    WebhookReceipt,
)

WRITTEN_BY_SERVICES = [
    SyncRun,
    SyncedRecord,
    WebhookReceipt,
    FeatureUsage,
    ProcessedMessage,
    AdoptionInsight,
    Delivery,
    JiraIssueRequest,
]


@pytest.mark.parametrize("model", WRITTEN_BY_SERVICES, ids=lambda m: m.__name__)
def test_synced_data_is_read_only_in_the_admin(model, rf, admin_user):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    editable = {f.name for f in model._meta.fields if f.editable and not f.primary_key}
    assert editable <= set(model_admin.get_readonly_fields(request))
    assert not model_admin.has_add_permission(request)


@pytest.mark.django_db
def test_connection_admin_keeps_the_cursor_read_only_and_saves_through_the_service(
    admin_client, monkeypatch
):
    model_admin = admin.site._registry[Connection]
    assert {"cursor", "last_synced_at"} <= set(model_admin.readonly_fields)
    saved = []
    from integrations.connectors import admin as connectors_admin

    real = connectors_admin.connection_save
    monkeypatch.setattr(
        connectors_admin, "connection_save", lambda **kw: saved.append(kw) or real(**kw)
    )
    response = admin_client.post(
        reverse("admin:integrations_connection_add"),
        {
            "kind": "webhook",
            "name": "Receiver",
            "base_url": "https://example.com/hook",
            "credential_env": "",
            "secret_env": "CONNECTOR_HOOK_SECRET",
            "enabled": "on",
            "interval_minutes": "60",
            "settings": '{"events": ["item_shipped"]}',
            "runs-TOTAL_FORMS": "0",
            "runs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Connection.objects.get(name="Receiver").settings == {"events": ["item_shipped"]}
    assert len(saved) == 1
