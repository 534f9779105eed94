"""The inbox: entries written by one service from the outbox relay, with the audiences the apps
registered; unread count in the header; mark read and mark all read."""

import pytest
from django.urls import reverse

from feedback.services import feedback_submit, ticket_link_item
from portal.inbox import inbox_deliver
from portal.models import Account, InboxEntry, OutboxEvent
from portal.outbox import outbox_relay_batch
from roadmap.models import RoadmapItem
from roadmap.services import roadmap_item_set_status, vote_cast
from tests.factories import AccountFactory


def _relay():
    while outbox_relay_batch():
        pass


@pytest.fixture
def item(pm):
    return RoadmapItem.objects.create(title="SSO for everyone", status="planned", owner=pm)


@pytest.mark.django_db
def test_a_vote_tells_the_item_owner_and_the_accounts_csm(item, pm, cs_rep, cs_rep_colleague):
    from django.contrib.auth.models import Permission

    account = AccountFactory(name="Globex", csm_owner=cs_rep)
    cs_rep_colleague.user_permissions.add(Permission.objects.get(codename="vote_any_account"))
    cs_rep_colleague = type(cs_rep_colleague).objects.get(pk=cs_rep_colleague.pk)
    vote_cast(item=item, account=account, rep=cs_rep_colleague, evidence="Hours saved.")
    _relay()
    pm.refresh_from_db()
    cs_rep.refresh_from_db()
    cs_rep_colleague.refresh_from_db()
    assert pm.inbox_unread == 1 and cs_rep.inbox_unread == 1
    assert cs_rep_colleague.inbox_unread == 0  # the voter is not told of their own vote
    entry = InboxEntry.objects.get(user=pm)
    assert entry.text == "New vote for SSO for everyone on behalf of Globex"
    assert entry.url == item.get_absolute_url()


@pytest.mark.django_db
def test_shipping_tells_everyone_behind_the_item(item, pm, cs_rep, cs_rep_colleague):
    # Filed by the colleague who managed the account then; cs_rep manages it now.
    account = AccountFactory(csm_owner=cs_rep_colleague)
    ticket = feedback_submit(
        account=account,
        submitter=cs_rep_colleague,
        title="Need SSO",
        description="Please.",
        category="feature_request",
        impact="high",
        source="call",
    )
    Account.objects.filter(pk=account.pk).update(csm_owner=cs_rep)
    ticket_link_item(ticket=ticket, item=item, actor=pm)
    _relay()
    roadmap_item_set_status(item=item, status="shipped", actor=pm)
    _relay()
    shipped = InboxEntry.objects.filter(topic="item_shipped")
    assert set(shipped.values_list("user__username", flat=True)) == {"rep_a", "rep_b", "pm_a"}


@pytest.mark.django_db
def test_delivery_is_idempotent(item, pm, cs_rep):
    account = AccountFactory(csm_owner=cs_rep)
    vote_cast(item=item, account=account, rep=cs_rep, evidence="Hours saved.")
    event = OutboxEvent.objects.get(topic="vote_cast")
    inbox_deliver(event=event)
    inbox_deliver(event=event)
    assert InboxEntry.objects.filter(user=pm).count() == 1
    pm.refresh_from_db()
    assert pm.inbox_unread == 1


@pytest.mark.django_db
def test_unread_count_in_header_mark_read_and_mark_all(client_for, item, pm, cs_rep):
    for n in range(3):
        vote_cast(
            item=item,
            account=AccountFactory(name=f"Acc {n}", csm_owner=cs_rep),
            rep=cs_rep,
            evidence="Saves.",
        )
    _relay()
    client = client_for(pm)
    page = client.get(reverse("inbox")).content.decode()
    assert 'data-testid="inbox-unread" title="3 unread">3<' in page
    assert page.count('class="inbox-entry unread"') == 3
    first = InboxEntry.objects.filter(user=pm).first()
    response = client.post(reverse("inbox-read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body and ">2<" in body  # the header's count, in place
    first.refresh_from_db()
    assert first.read_at is not None
    assert client.get(reverse("home")).content.decode().count('title="2 unread"') == 1
    response = client.post(reverse("inbox-read-all"))
    assert response.status_code == 302
    pm.refresh_from_db()
    assert pm.inbox_unread == 0
    assert not InboxEntry.objects.filter(user=pm, read_at__isnull=True).exists()
    assert 'data-testid="inbox-unread"' not in client.get(reverse("inbox")).content.decode()


@pytest.mark.django_db
def test_one_cannot_mark_someone_elses_entry_and_get_is_refused(client_for, item, pm, cs_rep):
    vote_cast(item=item, account=AccountFactory(csm_owner=cs_rep), rep=cs_rep, evidence="Saves.")
    _relay()
    entry = InboxEntry.objects.get(user=pm)
    client = client_for(cs_rep)
    assert client.post(reverse("inbox-read", args=[entry.pk])).status_code == 404
    assert client_for(pm).get(reverse("inbox-read", args=[entry.pk])).status_code == 405
    entry.refresh_from_db()
    assert entry.read_at is None


@pytest.mark.django_db
def test_unread_filter_and_empty_inbox(client_for, cs_rep):
    page = client_for(cs_rep).get(reverse("inbox"), {"unread": "1"}).content.decode()
    assert "Nothing unread." in page


@pytest.mark.django_db
def test_header_count_costs_no_query(client_for, item, pm, cs_rep, django_assert_num_queries):
    vote_cast(item=item, account=AccountFactory(csm_owner=cs_rep), rep=cs_rep, evidence="Saves.")
    _relay()
    client = client_for(pm)
    client.get(reverse("password_change"))
    # Session, user, the two permission sets (menu) and the role badges, as before the inbox:
    # the count comes with the user row.
    with django_assert_num_queries(5):
        page = client.get(reverse("password_change")).content.decode()
    assert 'title="1 unread"' in page
