import pytest
from playwright.sync_api import expect

from tests.factories import AccountFactory, CsRepFactory, PortalAdminFactory, ProductManagerFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("factory", "role_badge"),
    [
        (CsRepFactory, "CS rep"),
        (ProductManagerFactory, "Product manager"),
        (PortalAdminFactory, "Portal admin"),
    ],
)
def test_each_role_logs_in_and_sees_the_home_page(page, login, factory, role_badge):
    user = factory(username=f"e2e_{role_badge}", first_name="Robin")
    AccountFactory(name="Browser Account", csm_owner=user, health_score=20)
    page.goto("/accounts/")
    expect(page).to_have_url("/login/?next=/accounts/")
    login(user)
    expect(page.get_by_role("heading", name="Welcome, Robin")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text("Robin")
    expect(page.locator(".roles")).to_contain_text(role_badge)
    page.goto("/accounts/?health_band=red")
    expect(page.get_by_role("link", name="Browser Account")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_wrong_password_keeps_username_and_says_why(page):
    user = CsRepFactory(username="e2e_wrong")
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_contain_text("correct username and password")
    expect(page.get_by_label("Username")).to_have_value("e2e_wrong")
