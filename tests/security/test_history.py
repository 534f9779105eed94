"""History (who, when, what changed) on every business model.

The walk over the project's models fails when a model has no history and is not on ``EXEMPT``
with its reason, so a new business model cannot be forgotten. The other tests change a user's
role, a connection's settings, a KPI target and a map phase through the pages people use and read
the history row that names who did it and what changed.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, update_last_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from feedback.services import ticket_attachment_add, ticket_mark_duplicate
from feedback.triage import feedback_merge_undo
from integrations.models import (
    Connection,
    IntegrationMap,
    PendingMapImport,
    Phase,
)
from portal.admin_mixins import HistoryAdmin
from portal.choices import Role
from portal.models import User
from tests.connectors.factories import ConnectionFactory
from tests.feedback.factories import TicketFactory, png_bytes
from tests.maps.factories import SEED_000, SMALL, import_seed

APPS = ("portal", "feedback", "roadmap", "integrations")

# Rows that are not business data a person changes: logs, ledgers, queues, caches, derived or
# aggregate tables, idempotency/inbox/outbox rows and sync lineage. One line of reason each.
EXEMPT = {
    "portal.OutboxEvent": "transactional outbox: an event log, dispatched and then kept as is",
    "portal.InboxEntry": "notifications fanned out from outbox events; only the read mark moves",
    "feedback.ShipNotification": "ledger of close-the-loop e-mails (once per person and ticket)",
    "feedback.IdempotencyKey": "idempotency record of an API submission and its response",
    "feedback.TriageAction": "itself the log of merges and declines (who, when, what moved)",
    "roadmap.MilestoneReminder": "ledger of reminder e-mails (once per milestone and day)",
    "roadmap.ScoringState": "the recompute's bookkeeping: derived state",
    "roadmap.ScoringDirtyItem": "queue of items waiting for the next recompute",
    "roadmap.ScoreSnapshot": "derived: each recompute's scores, itself the score history",
    "integrations.BarrierNotice": "ledger of the barrier e-mail (once per item and CSM)",
    "integrations.RequesterAdoptionCrossing": "ledger of the adoption event (once per item)",
    "integrations.FeatureUsage": "aggregate of analytics events per account, feature and day",
    "integrations.ProcessedMessage": "idempotency: analytics message ids already counted",
    "integrations.AdoptionInsight": "ledger of the daily adoption insight event",
    "integrations.SyncRun": "log of one sync run",
    "integrations.SyncedRecord": "sync lineage: remote id, version and fingerprint",
    "integrations.WebhookReceipt": "idempotency: inbound webhook deliveries already handled",
    "integrations.Delivery": "outbox: one event on its way to one endpoint",
    "integrations.JiraIssueRequest": "a background job's state; its issue key is item history",
    "integrations.PendingMapImport": "an upload awaiting confirmation; applying it is map history",
    "integrations.KpiMeasurement": "append-only: every recorded KPI value, itself a history",
    "integrations.RecordReport": "log of records a sync skipped or reported",
    "integrations.HeldEvent": "inbox: analytics events held until their account is known",
    "integrations.AnalyticsGroupMember": "sync lineage: Segment userId → account links",
}


def project_models():
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model.__module__.startswith("tests."):
            continue  # another app's, or a model a test declares for itself
        if not hasattr(model, "instance_type"):  # a historical model (or its m2m table) itself
            yield model


def has_history(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def test_every_business_model_has_history_or_a_reason():
    labels = {m._meta.label: m for m in project_models()}
    assert {"portal.User", "integrations.Connection", "integrations.KpiTarget"} <= set(labels)
    missing = sorted(label for label, m in labels.items() if not has_history(m))
    unexplained = [label for label in missing if label not in EXEMPT]
    assert not unexplained, (
        f"models without history (add HistoricalRecords or a reason): {unexplained}"
    )
    stale = sorted(set(EXEMPT) - set(missing))
    assert not stale, f"exempt but no longer a model, or now historied: {stale}"
    assert all(reason.strip() for reason in EXEMPT.values())


def test_every_historied_model_shows_its_history_in_the_admin():
    """Registered admins of historied models have the History page, with the revert guard."""
    wrong = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS
        and has_history(model)
        and not isinstance(model_admin, HistoryAdmin)
    ]
    assert wrong == []


def test_user_history_never_keeps_the_password_hash_or_logins():
    fields = {f.name for f in User.history.model._meta.fields}
    assert {"username", "email", "is_active", "is_staff", "is_superuser"} <= fields
    assert not fields & {"password", "last_login"}


@pytest.mark.django_db
def test_a_login_adds_no_history_row(cs_rep):
    before = cs_rep.history.count()
    update_last_login(None, cs_rep)
    cs_rep.set_password("another-pass-456")
    cs_rep.save(update_fields=["password"])
    assert cs_rep.history.count() == before


@pytest.mark.django_db
def test_a_role_change_in_the_admin_names_who_and_what(admin_client, admin_user, cs_rep):
    pm_group = Group.objects.get(name=Role.PRODUCT_MANAGER)
    joined = timezone.localtime(cs_rep.date_joined)
    response = admin_client.post(
        reverse("admin:portal_user_change", args=[cs_rep.pk]),
        {
            "username": cs_rep.username,
            "first_name": cs_rep.first_name,
            "last_name": "",
            "email": cs_rep.email,
            "is_active": "on",
            "groups": [pm_group.pk],
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cs_rep.refresh_from_db()
    assert cs_rep.roles == [Role.PRODUCT_MANAGER]
    latest, created = cs_rep.history.first(), cs_rep.history.last()
    assert latest.history_user == admin_user
    assert [row.group.name for row in latest.groups.all()] == [Role.PRODUCT_MANAGER]
    assert [row.group.name for row in created.groups.all()] in ([], [Role.CS_REP])
    assert "groups" in latest.diff_against(cs_rep.history.earliest()).changed_fields
    # The user's History page in the admin lists the change.
    page = admin_client.get(reverse("admin:portal_user_history", args=[cs_rep.pk]))
    assert page.status_code == 200 and admin_user.username in page.content.decode()


@pytest.mark.django_db
def test_a_connection_settings_change_names_who_and_what(client_for, portal_admin):
    connection = ConnectionFactory(
        kind="jira",
        base_url="https://jira.example.com",
        credential_env="CONNECTOR_JIRA_TOKEN",
        settings={"project_key": "OLD"},
    )
    response = client_for(portal_admin).post(
        reverse("integrations:connection-edit", args=[connection.pk]),
        {
            "name": connection.name,
            "kind": "jira",
            "base_url": "https://jira.example.com",
            "credential_env": "CONNECTOR_JIRA_TOKEN",
            "secret_env": "",
            "enabled": "on",
            "interval_minutes": "60",
            "settings": '{"project_key": "PROD"}',
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = connection.history.first()
    assert latest.history_user == portal_admin and latest.settings == {"project_key": "PROD"}
    delta = latest.diff_against(latest.prev_record)
    assert delta.changed_fields == ["settings"]
    assert (delta.changes[0].old, delta.changes[0].new) == (
        {"project_key": "OLD"},
        {"project_key": "PROD"},
    )


@pytest.mark.django_db
def test_connection_sync_bookkeeping_writes_no_history(portal_admin):
    connection = ConnectionFactory()
    before = connection.history.count()
    Connection.objects.filter(pk=connection.pk).update(cursor={"page": 2})
    assert connection.history.count() == before
    assert "cursor" not in {f.name for f in Connection.history.model._meta.fields}


@pytest.mark.django_db
def test_a_kpi_measurement_names_who_and_what(client_for, portal_admin):
    imap, _ = import_seed(SEED_000)
    kpi = imap.kpis.get(name="Product Development Success Rate")
    client_for(portal_admin).post(
        reverse("integrations:kpi-measure", args=[kpi.pk]), {"measured_value": "96.5"}
    )
    latest = kpi.history.first()
    assert (latest.history_user, latest.history_change_reason) == (portal_admin, "Measured 96.5%")
    assert latest.diff_against(latest.prev_record).changed_fields == [
        "measured_at",
        "measured_by",
        "measured_value",
    ]


def _upload_and_apply(client, text: str, **data):
    client.post(
        reverse("integrations:map-upload"),
        {
            "document": SimpleUploadedFile("map.md", text.encode(), content_type="text/markdown"),
            **data,
        },
    )
    pending = PendingMapImport.objects.order_by("-pk").first()
    response = client.post(pending.get_absolute_url())
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_phase_changed_by_a_reimport_names_who_and_what(client_for, portal_admin):
    client = client_for(portal_admin)
    _upload_and_apply(client, SMALL)
    imap = IntegrationMap.objects.get()
    phase = Phase.objects.get(map=imap, number=2)
    assert phase.history.get().history_user == portal_admin
    _upload_and_apply(client, SMALL.replace("(Weeks 3-4)", "(Weeks 3-6)"), target=imap.pk)
    latest = phase.history.first()
    assert latest.history_user == portal_admin
    assert latest.history_change_reason == "Re-imported from map.md"
    assert latest.diff_against(latest.prev_record).changed_fields == ["week_end"]
    # The map's other rows carry the importer too: the map, its sections, groups and links.
    assert imap.history.first().history_user == portal_admin
    for model in ("MapSection", "MapGroup", "FrameworkLink", "KpiTarget"):
        history = apps.get_model("integrations", model).history
        assert set(history.values_list("history_user", flat=True)) <= {portal_admin.pk}


@pytest.mark.django_db
def test_an_unchanged_reimport_writes_no_history(portal_admin):
    imap, _ = import_seed(SEED_000, actor=portal_admin)
    counts = {m: m.history.count() for m in (Phase, apps.get_model("integrations", "KpiTarget"))}
    import_seed(SEED_000, actor=portal_admin, target=imap)
    assert {m: m.history.count() for m in counts} == counts


@pytest.mark.django_db
def test_evidence_moved_by_a_merge_and_its_undo_names_who(pm, cs_rep, account):
    duplicate = TicketFactory(account=account, submitter=cs_rep)
    kept = TicketFactory(account=account, submitter=cs_rep)
    attachment = ticket_attachment_add(
        ticket=duplicate, upload=SimpleUploadedFile("shot.png", png_bytes()), actor=cs_rep
    )
    merged = ticket_mark_duplicate(ticket=duplicate, kept=kept, actor=pm)
    moved = attachment.history.first()
    assert (moved.ticket_id, moved.history_user) == (kept.pk, pm)
    feedback_merge_undo(action=merged.last_action, actor=pm)
    back = attachment.history.first()
    assert (back.ticket_id, back.history_user, back.history_change_reason) == (
        duplicate.pk,
        pm,
        f"Merge into #{kept.pk} undone",
    )
