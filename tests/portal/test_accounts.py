import pytest
from django.urls import reverse

from portal.choices import HealthBand
from tests.factories import AccountFactory


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, HealthBand.RED),
        (39, HealthBand.RED),
        (40, HealthBand.YELLOW),
        (69, HealthBand.YELLOW),
        (70, HealthBand.GREEN),
        (100, HealthBand.GREEN),
    ],
)
def test_health_band_follows_score(score, band):
    account = AccountFactory(health_score=score)
    account.refresh_from_db()
    assert account.health_band == band


@pytest.mark.django_db
def test_filters_by_band_and_tier(client_for, cs_rep):
    AccountFactory(name="Red Enterprise", health_score=20, tier="enterprise")
    AccountFactory(name="Green Smb", health_score=90, tier="smb")
    client = client_for(cs_rep)
    page = client.get(reverse("account-list"), {"health_band": "red"}).content.decode()
    assert "Red Enterprise" in page and "Green Smb" not in page
    api = client.get(reverse("api-account-list"), {"tier": "smb"}).json()
    assert [a["name"] for a in api["results"]] == ["Green Smb"]


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 300])
def test_account_list_query_count_is_constant(client_for, cs_rep, size, django_assert_num_queries):
    AccountFactory.create_batch(size, csm_owner=cs_rep)
    client = client_for(cs_rep)
    # session, user, user and group permissions, the user's groups (role badges), the count
    # and one page of accounts with their CSM: the same at every size.
    with django_assert_num_queries(7):
        response = client.get(reverse("account-list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_htmx_request_gets_the_table_fragment(client_for, cs_rep):
    AccountFactory(name="Fragmented")
    response = client_for(cs_rep).get(reverse("account-list"), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Fragmented" in body and "<html" not in body
