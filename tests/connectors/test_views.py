"""The sync page and connection pages: roles, Sync now, constant query counts."""

import pytest
from django.urls import reverse

from integrations.models import (
    Connection,
    ConnectionKind,
    Delivery,
    HeldEvent,
    RecordReport,
    RunStatus,
    SyncRun,
)
from portal.models import OutboxEvent

from .factories import ConnectionFactory


def populate(n):
    for i in range(n):
        connection = ConnectionFactory(kind=ConnectionKind.CRM, name=f"CRM {i}")
        for status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            run = SyncRun.objects.create(connection=connection, status=status, error="HTTP 429")
        for outcome in ("skipped", "reported"):
            RecordReport.objects.create(
                connection=connection, run=run, outcome=outcome, external_id=f"c-{i}", reason="x"
            )
        HeldEvent.objects.create(
            connection=connection,
            message_id=f"m-{i}",
            account_ref=f"g-{i}",
            reason="unknown account",
            payload={"type": "track"},
        )
        hook = ConnectionFactory(kind=ConnectionKind.WEBHOOK, name=f"Hook {i}")
        event = OutboxEvent.objects.create(topic="item_shipped", payload={"title": "x"})
        Delivery.objects.create(connection=hook, event=event, topic=event.topic, status="dead")


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 12])
def test_sync_page_query_count_is_constant(
    client_for, portal_admin, django_assert_num_queries, size
):
    populate(size)
    client = client_for(portal_admin)
    # session, user, permissions (2), nav roles; connections, their last runs, deliveries,
    # delivery counts, skipped/reported records, held events, the runs' count and page, the
    # filter bar's connection choices: the same at both sizes.
    with django_assert_num_queries(14):
        response = client.get(reverse("integrations:sync"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="connection-row"') == 2 * size
    assert html.count('data-testid="report-row"') == min(2 * size, 25)
    assert html.count('data-testid="held-row"') == size
    assert "1 skipped · 1 reported · 1 held" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("portal_admin", 200), ("portal_admin_colleague", 200), ("pm", 200), ("cs_rep", 403)],
)
def test_who_sees_the_sync_page(request, client_for, who, status):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("integrations:sync")).status_code == status


@pytest.mark.django_db
def test_failed_run_shows_its_error_in_words(client_for, portal_admin):
    connection = ConnectionFactory(kind=ConnectionKind.JIRA, name="Jira")
    SyncRun.objects.create(
        connection=connection,
        status=RunStatus.FAILED,
        error="Jira refused the credentials (HTTP 401). Check the credential variable.",
    )
    html = client_for(portal_admin).get(reverse("integrations:sync")).content.decode()
    assert "Jira refused the credentials (HTTP 401)" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("portal_admin", 302), ("portal_admin_colleague", 302), ("pm", 403), ("cs_rep", 403)],
)
def test_sync_now_roles(request, client_for, who, status, django_capture_on_commit_callbacks):
    connection = ConnectionFactory(kind=ConnectionKind.CRM)
    user = request.getfixturevalue(who)
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(user).post(reverse("integrations:sync-now", args=[connection.pk]))
    assert response.status_code == status
    assert SyncRun.objects.filter(connection=connection).exists() == (status == 302)


@pytest.mark.django_db
def test_sync_now_twice_says_it_is_already_syncing(
    client_for, portal_admin, django_capture_on_commit_callbacks
):
    connection = ConnectionFactory(kind=ConnectionKind.CRM, name="HubSpot")
    client = client_for(portal_admin)
    url = reverse("integrations:sync-now", args=[connection.pk])
    with django_capture_on_commit_callbacks(execute=False):
        client.post(url)
        response = client.post(url, follow=True)
    assert "HubSpot is already syncing" in response.content.decode()
    assert SyncRun.objects.count() == 1


@pytest.mark.django_db
def test_running_row_polls_with_htmx_and_shows_progress(client_for, portal_admin):
    connection = ConnectionFactory(kind=ConnectionKind.CRM)
    SyncRun.objects.create(connection=connection, status=RunStatus.RUNNING, pages=3)
    response = client_for(portal_admin).get(
        reverse("integrations:connection-status", args=[connection.pk]),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and "3 pages so far" in html


@pytest.mark.django_db
def test_admin_creates_a_connection_and_bad_input_stays_with_messages(client_for, portal_admin, pm):
    url = reverse("integrations:connection-create")
    data = {
        "name": "Jira",
        "kind": "jira",
        "base_url": "",
        "credential_env": "not a name!",
        "secret_env": "",
        "enabled": "on",
        "interval_minutes": "30",
        "settings": '["not", "an", "object"]',
    }
    response = client_for(portal_admin).post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "settings" in form.errors
    assert response.context["form"]["name"].value() == "Jira"
    data["settings"] = '{"project_key": "PROD"}'
    response = client_for(portal_admin).post(url, data)
    assert "credential_env" in response.context["form"].errors
    assert "base_url" in response.context["form"].errors
    data.update(credential_env="CONNECTOR_JIRA_CREDENTIAL", base_url="https://acme.atlassian.net")
    assert client_for(portal_admin).post(url, data).status_code == 302
    assert Connection.objects.get().settings == {"project_key": "PROD"}
    assert client_for(pm).get(url).status_code == 403


@pytest.mark.django_db
def test_unknown_outbound_event_is_refused(client_for, portal_admin):
    response = client_for(portal_admin).post(
        reverse("integrations:connection-create"),
        {
            "name": "Hook",
            "kind": "webhook",
            "base_url": "https://hooks.example.com/x",
            "interval_minutes": "60",
            "settings": '{"events": ["item_shipped", "nope"]}',
        },
    )
    assert "Unknown events: nope." in str(response.context["form"].errors)
