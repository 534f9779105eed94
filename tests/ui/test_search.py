"""The header search: grouped by kind, limited to what the role may see, one query per kind."""

import pytest
from django.urls import reverse

from tests.factories import AccountFactory
from tests.feedback.factories import TicketFactory
from tests.maps.factories import import_seed
from tests.roadmap.factories import BetaProgramFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db
SEARCH = reverse("search")


def _groups(client, text):
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    return {g["key"]: g for g in response.context["groups"] if g["hits"]}


def test_finds_every_kind_grouped(client_for, portal_admin):
    account = AccountFactory(name="Globex Onboarding", crm_id="CRM-77")
    TicketFactory(title="Onboarding checklist export", account=account)
    item = RoadmapItemFactory(title="Guided onboarding", jira_key="PORT-12")
    BetaProgramFactory(name="Onboarding beta", item=item)
    import_seed(actor=portal_admin)
    groups = _groups(client_for(portal_admin), "onboarding")
    assert {"accounts", "tickets", "items", "betas"} <= set(groups)
    assert groups["accounts"]["hits"][0].title == "Globex Onboarding"
    # Codes and ids as typed.
    assert _groups(client_for(portal_admin), "CRM-77")["accounts"]["hits"][0].title == (
        "Globex Onboarding"
    )
    assert _groups(client_for(portal_admin), "PORT-12")["items"]["hits"][0].title == (
        "Guided onboarding"
    )
    points = _groups(client_for(portal_admin), "1.1.1")["points"]["hits"]
    assert points[0].title.startswith("1.1.1 ")


def test_limited_to_what_the_role_may_see(client_for, django_user_model):
    from tests.factories import UserFactory

    AccountFactory(name="Initech Renewal")
    nobody = UserFactory(username="norole")
    response = client_for(nobody).get(SEARCH, {"q": "initech"})
    assert response.context["groups"] == []
    assert "Initech Renewal" not in response.content.decode()


def test_short_or_empty_queries_explain_what_to_type(client_for, pm):
    html = client_for(pm).get(SEARCH, {"q": "a"}).content.decode()
    assert "Type at least 2 characters" in html
    html = client_for(pm).get(SEARCH, {"q": "zzzqqq"}).content.decode()
    assert "Nothing matches" in html


@pytest.mark.parametrize("size", [2, 10])
def test_query_count_is_constant(client_for, pm, django_assert_num_queries, size):
    for n in range(size):
        account = AccountFactory(name=f"Acme {n}")
        TicketFactory(title=f"Acme ticket {n}", account=account)
        RoadmapItemFactory(title=f"Acme item {n}")
    client = client_for(pm)
    client.get(SEARCH, {"q": "warm"})
    # session, user, the user's groups and permissions, then one query per kind (5 kinds)
    with django_assert_num_queries(10):
        client.get(SEARCH, {"q": "acme"})
