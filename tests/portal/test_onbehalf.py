"""One object rule for work on behalf of an account (``portal.onbehalf``): a CS rep files feedback
for, adds to a ticket, votes for and nominates only the accounts they manage — in pages and the API
alike, refused at the account field with the same words; a user holding ``act_for_any_account``
(an integration's service user) files for any account."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from feedback.models import FeedbackTicket, TicketAccount
from portal.models import User
from roadmap.models import BetaParticipant, Vote
from tests.factories import AccountFactory
from tests.feedback.factories import TicketFactory
from tests.roadmap.factories import BetaProgramFactory, RoadmapItemFactory

pytestmark = pytest.mark.django_db
REFUSAL = "is not one of your accounts: you act only on behalf of the accounts you manage."


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def feedback(account) -> dict:
    return {
        "account": account.pk,
        "title": "Bulk CSV export",
        "description": "Finance exports by hand.",
        "category": "feature_request",
        "impact": "high",
        "source": "email",
    }


@pytest.fixture
def theirs(cs_rep_colleague):
    return AccountFactory(name="Initech", csm_owner=cs_rep_colleague)


def test_the_api_refuses_every_kind_of_work_for_a_colleagues_account(cs_rep, theirs):
    api = api_for(cs_rep)
    item = RoadmapItemFactory()
    program = BetaProgramFactory()
    answers = [
        api.post(reverse("api-feedback-submit"), feedback(theirs), format="json"),
        api.post("/api/v1/feedback-tickets", feedback(theirs), format="json"),
        api.post(
            f"/api/v1/cs-product/vote/{item.pk}",
            {"account": theirs.pk, "evidence": "Saves hours."},
            format="json",
        ),
        api.post(
            f"/api/v1/beta-programs/{program.pk}/nominate", {"account": theirs.pk}, format="json"
        ),
    ]
    for answer in answers:
        assert answer.status_code == 400, answer.content
        assert any(REFUSAL in m for m in answer.json()["account"]), answer.json()
    assert not FeedbackTicket.objects.exists()
    assert not Vote.objects.exists() and not BetaParticipant.objects.exists()


def test_pages_refuse_at_the_field_and_keep_the_input(client_for, cs_rep, account, theirs):
    client = client_for(cs_rep)
    response = client.post(reverse("feedback:create"), feedback(theirs))
    body = response.content.decode()
    assert "accounts you manage" in body
    assert "Finance exports by hand." in body  # the user's input is still in the form
    ticket = TicketFactory(account=account, submitter=cs_rep)
    joined = client.post(reverse("feedback:join", args=[ticket.pk]), {"account": theirs.pk})
    assert "accounts you manage" in joined.content.decode()
    assert not TicketAccount.objects.filter(account=theirs).exists()
    assert FeedbackTicket.objects.count() == 1


def test_an_integration_with_the_permission_files_for_any_account(cs_rep_colleague, account):
    service = User.objects.create_user("cs-platform")
    service.groups.add(*cs_rep_colleague.groups.all())
    service.user_permissions.add(Permission.objects.get(codename="act_for_any_account"))
    answer = api_for(service).post(reverse("api-feedback-submit"), feedback(account), format="json")
    assert answer.status_code == 201, answer.content
    assert FeedbackTicket.objects.get().account == account


def test_the_picker_for_work_on_behalf_offers_only_the_users_accounts(
    client_for, cs_rep, account, theirs
):
    client = client_for(cs_rep)
    mine = client.get(reverse("account-picker"), {"mine": "1"}).content.decode()
    assert account.name in mine and theirs.name not in mine
    everyone = client.get(reverse("account-picker")).content.decode()
    assert account.name in everyone and theirs.name in everyone
    form = client.get(reverse("feedback:create")).content.decode()
    assert f"{reverse('account-picker')}?mine=1" in form
    assert account.name in form and theirs.name not in form
