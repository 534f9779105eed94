"""Broken-today fixes: the account page's health band and ARR, labels in the header, the styled
403/404/500 pages in the layout, /favicon.ico without a login."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from portal import urls as portal_urls
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_account_page_shows_band_value_and_arr_with_currency(client_for, pm):
    account = AccountFactory(health_score=55, arr=250000, segment="public_sector")
    html = client_for(pm).get(account.get_absolute_url()).content.decode()
    assert '<dd data-testid="account-health">Yellow</dd>' in html
    assert '<dd data-testid="account-arr">$250,000</dd>' in html
    assert "<dd>Public sector</dd>" in html
    assert "public_sector" not in html


def test_header_shows_the_role_in_words(client_for, cs_rep):
    html = client_for(cs_rep).get("/").content.decode()
    assert ">CS rep<" in html and ">cs_rep<" not in html


def test_forbidden_page_is_styled_with_navigation(client_for, cs_rep):
    response = client_for(cs_rep).get("/integrations/sync/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="error-page"' in html
    assert 'aria-label="Main"' in html  # the menu
    assert "open this page" in html


def test_not_found_page_is_styled(client_for, pm):
    response = client_for(pm).get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and 'aria-label="Main"' in html


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), *portal_urls.urlpatterns]
handler500 = portal_urls.handler500


@override_settings(ROOT_URLCONF="tests.ui.test_pages")
def test_server_error_page_is_in_the_layout(pm):
    client = Client(raise_request_exception=False)
    client.force_login(pm)
    # This test module is the URLconf: its handler500 is the portal's.
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-testid="error-page"' in html and "Something went wrong" in html


def test_favicon_answers_without_login(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
