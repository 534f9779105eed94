import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.choices import Role
from portal.roles import declared_role_permissions
from tests.factories import AccountFactory, UserFactory


@pytest.mark.django_db
def test_roles_exist_as_groups_with_declared_permissions():
    declared = declared_role_permissions()
    for role in Role:
        group = Group.objects.get(name=role.value)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == declared[role.value]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("user_fixture", "can_view", "can_change"),
    [("cs_rep", True, False), ("pm", True, False), ("portal_admin", True, True)],
)
def test_account_permissions_by_role(request, user_fixture, can_view, can_change):
    user = request.getfixturevalue(user_fixture)
    assert user.has_perm("portal.view_account") is can_view
    assert user.has_perm("portal.change_account") is can_change


@pytest.mark.django_db
def test_user_without_role_sees_no_account(client_for):
    outsider = UserFactory(username="outsider")
    account = AccountFactory()
    client = client_for(outsider)
    assert client.get(reverse("account-list")).status_code == 403
    assert client.get(account.get_absolute_url()).status_code == 403
    assert client.get(reverse("api-account-list")).status_code == 403


@pytest.mark.django_db
def test_cs_rep_sees_accounts_and_their_own_first(client_for, cs_rep, cs_rep_colleague):
    AccountFactory(name="Zeta Mine", csm_owner=cs_rep)
    AccountFactory(name="Alpha Theirs", csm_owner=cs_rep_colleague)
    client = client_for(cs_rep)
    page = client.get(reverse("account-list")).content.decode()
    assert "Zeta Mine" in page and "Alpha Theirs" in page
    mine = client.get(reverse("account-list"), {"mine": "true"}).content.decode()
    assert "Zeta Mine" in mine and "Alpha Theirs" not in mine
    options = client.get(reverse("account-picker")).content.decode()
    assert options.index("Zeta Mine") < options.index("Alpha Theirs")


@pytest.mark.django_db
def test_navigation_follows_role(client_for, cs_rep, portal_admin):
    rep_home = client_for(cs_rep).get(reverse("home")).content.decode()
    assert 'href="/admin/"' not in rep_home
    admin_home = client_for(portal_admin).get(reverse("home")).content.decode()
    assert 'href="/admin/"' in admin_home


@pytest.mark.django_db
def test_cs_rep_cannot_use_django_admin(client_for, cs_rep):
    response = client_for(cs_rep).get("/admin/portal/account/")
    assert response.status_code == 302  # not staff: back to the admin login


@pytest.mark.django_db
def test_portal_admin_manages_accounts_in_admin(client_for, portal_admin):
    account = AccountFactory()
    client = client_for(portal_admin)
    assert client.get("/admin/portal/account/?q=Account").status_code == 200
    assert client.get(f"/admin/portal/account/{account.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_api_accepts_token_auth(client, cs_rep):
    from rest_framework.authtoken.models import Token

    AccountFactory(name="Tokened")
    token = Token.objects.create(user=cs_rep)
    response = client.get(reverse("api-account-list"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["results"][0]["name"] == "Tokened"
