"""Found when probed: connector settings leaked secrets. A connection's base URL accepted any
host, redirects were followed, its credential could name any environment variable, and remote
error bodies were shown back. Each rule here, with the receivers on 127.0.0.1 (the tests allow
private networks, so each refusal test turns that off)."""

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from werkzeug import Response

from integrations.connectors.outbound.deliveries import delivery_attempt
from integrations.models import Connection, ConnectionKind, Delivery, DeliveryStatus, RunStatus
from portal import netguard
from portal.outbox import outbox_record, outbox_relay_batch

from .factories import ConnectionFactory

LIST = "/crm/v3/objects/companies"

REFUSED_HOSTS = [
    "http://127.0.0.1:8000/",
    "http://localhost/",
    "http://api.localhost/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/",
    "http://172.16.0.9/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
]


@pytest.fixture
def private_refused(settings):
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize("url", REFUSED_HOSTS)
def test_private_loopback_and_link_local_targets_are_refused(private_refused, url):
    problem = netguard.url_problem(url)
    assert problem and problem.startswith("Refused:")
    with pytest.raises(netguard.BlockedDestination):
        netguard.check_url(url)


def test_public_targets_pass_and_the_setting_allows_private_ones(settings):
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = False
    assert netguard.url_problem("https://api.hubapi.com/") is None
    assert netguard.url_problem("https://93.184.215.14/hook") is None
    settings.OUTBOUND_ALLOW_PRIVATE_NETWORKS = True
    assert netguard.url_problem("http://127.0.0.1:8000/") is None


def test_https_is_required_in_production_and_no_credentials_in_urls(settings):
    settings.OUTBOUND_REQUIRE_HTTPS = True
    assert "https" in netguard.url_problem("http://hooks.example.com/x")
    assert netguard.url_problem("https://hooks.example.com/x") is None
    assert "credential" in netguard.url_problem("https://user:pw@hooks.example.com/x")
    assert "http(s)" in netguard.url_problem("file:///etc/passwd")


def test_production_defaults_refuse_private_networks_and_plain_http():
    from tests.portal.test_settings import PRODUCTION_ENV, run_manage

    code = (
        "from django.conf import settings as s;"
        "print(s.OUTBOUND_ALLOW_PRIVATE_NETWORKS, s.OUTBOUND_REQUIRE_HTTPS)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["False", "True"]


@pytest.mark.django_db
def test_the_connection_form_refuses_metadata_urls_and_foreign_variables(
    client_for, portal_admin, private_refused
):
    data = {
        "name": "CRM",
        "kind": "crm",
        "base_url": "http://169.254.169.254/",
        "credential_env": "SECRET_KEY",
        "secret_env": "DATABASE_URL",
        "enabled": "on",
        "interval_minutes": "30",
        "settings": "{}",
    }
    response = client_for(portal_admin).post(reverse("integrations:connection-create"), data)
    errors = response.context["form"].errors
    assert "link-local" in errors["base_url"][0]
    assert "must start with CONNECTOR_" in errors["credential_env"][0]
    assert "must start with CONNECTOR_" in errors["secret_env"][0]
    data.update(credential_env="CONNECTOR_HTTP_TIMEOUT", secret_env="")
    response = client_for(portal_admin).post(reverse("integrations:connection-create"), data)
    assert "portal's own settings" in response.context["form"].errors["credential_env"][0]
    assert not Connection.objects.exists()


@pytest.mark.django_db
def test_a_credential_outside_the_prefix_is_never_read(httpserver, run_sync, monkeypatch):
    """A row written around the form (older data, the shell) still cannot send SECRET_KEY."""
    monkeypatch.setenv("SECRET_KEY", django_settings.SECRET_KEY)
    connection = ConnectionFactory(
        kind=ConnectionKind.CRM, base_url=httpserver.url_for(""), credential_env="SECRET_KEY"
    )
    assert connection.credential() == ""
    run = run_sync(connection)
    assert run.status == RunStatus.FAILED
    assert "private-app token" in run.error
    assert len(httpserver.log) == 0


@pytest.mark.django_db
def test_send_time_check_after_dns_refuses_a_name_resolving_to_loopback(
    httpserver, run_sync, private_refused
):
    """The row bypasses the save-time check; the socket is checked after resolving ``localhost``."""
    connection = ConnectionFactory(
        kind=ConnectionKind.CRM,
        base_url=f"http://localhost:{httpserver.port}",
        credential_env="CONNECTOR_TEST_HUBSPOT_TOKEN",
    )
    httpserver.expect_request(LIST).respond_with_json({"results": []})
    run = run_sync(connection)
    assert run.status == RunStatus.FAILED
    assert "Refused" in run.error
    assert len(httpserver.log) == 0


@pytest.mark.django_db
def test_send_time_check_on_the_socket_itself(httpserver, private_refused):
    """Even a hostname that passes the save-time rules is refused once it resolves to loopback."""
    session = netguard.guarded_session()
    with pytest.raises(netguard.BlockedDestination, match=r"resolves to (127\.0\.0\.1|::1)"):
        session.get(f"http://localhost:{httpserver.port}/", timeout=2)
    assert len(httpserver.log) == 0


@pytest.mark.django_db
def test_redirects_are_not_followed(crm, httpserver, run_sync):
    httpserver.expect_request(LIST).respond_with_response(
        Response("", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    )
    run = run_sync(crm)
    assert run.status == RunStatus.FAILED
    assert "redirect (HTTP 302)" in run.error and "169.254" not in run.error
    assert len(httpserver.log) == 1


@pytest.mark.django_db
def test_a_failed_call_shows_only_its_status(crm, httpserver, run_sync, settings):
    settings.CONNECTOR_HTTP_MAX_ATTEMPTS = 1
    httpserver.expect_request(LIST).respond_with_data(
        f"echo: {django_settings.SECRET_KEY}", status=500
    )
    run = run_sync(crm)
    assert run.status == RunStatus.FAILED
    assert "HTTP 500" in run.error
    assert "echo" not in run.error and django_settings.SECRET_KEY not in run.error


@pytest.mark.django_db
def test_webhook_delivery_to_loopback_is_refused_when_private_networks_are_off(
    httpserver, private_refused
):
    ConnectionFactory(
        name="Hook",
        kind=ConnectionKind.WEBHOOK,
        base_url=httpserver.url_for("/receive"),
        secret_env="CONNECTOR_TEST_OUTBOUND_SECRET",
        settings={"events": ["feedback_submitted"]},
    )
    outbox_record(topic="feedback_submitted", payload={"ticket_id": 1})
    outbox_relay_batch()
    delivery = Delivery.objects.get()
    delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DEAD
    assert "Refused" in delivery.last_error
    assert len(httpserver.log) == 0
