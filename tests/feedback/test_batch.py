"""feedback_submit_batch at the service level: all or nothing, idempotent replays."""

import json

import pytest
from django.core.exceptions import ValidationError

from feedback import services
from feedback.models import FeedbackTicket, IdempotencyKey
from portal.models import OutboxEvent
from tests.factories import AccountFactory, CsRepFactory

pytestmark = pytest.mark.django_db


def fields(account, **extra):
    return {
        "account": account,
        "title": "Bulk export to CSV",
        "description": "Finance exports reports by hand.",
        "category": "feature_request",
        "impact": "high",
        "source": "email",
        **extra,
    }


def test_a_batch_files_every_item_in_order(cs_rep, account):
    answer = services.feedback_submit_batch(
        submitter=cs_rep, items=[fields(account, title=f"T{i}") for i in range(3)]
    )
    tickets = list(FeedbackTicket.objects.order_by("pk"))
    assert (answer.status_code, answer.replayed) == (201, False)
    assert answer.data == [t.pk for t in tickets]  # the default rendering: the ids
    assert [t.title for t in tickets] == ["T0", "T1", "T2"]
    assert OutboxEvent.objects.filter(topic="feedback_submitted").count() == 3


def test_one_item_answers_one_object(cs_rep, account):
    answer = services.feedback_submit_batch(
        submitter=cs_rep,
        items=fields(account),
        render=lambda tickets: [{"id": t.pk, "title": t.title} for t in tickets],
    )
    assert answer.data == {"id": FeedbackTicket.objects.get().pk, "title": "Bulk export to CSV"}


def test_a_refused_item_writes_nothing_and_is_named(cs_rep, account):
    items = [fields(account), fields(account, title="x" * 300), fields(account)]
    with pytest.raises(ValidationError) as exc:
        services.feedback_submit_batch(submitter=cs_rep, items=items, idempotency_key="k-1")
    assert exc.value.message_dict["title"][0].startswith("item 1: ")
    assert not FeedbackTicket.objects.exists()
    assert not OutboxEvent.objects.exists()
    assert not IdempotencyKey.objects.exists()  # a refused batch may be sent again, fixed
    answer = services.feedback_submit_batch(
        submitter=cs_rep, items=[fields(account)] * 3, idempotency_key="k-1"
    )
    assert answer.status_code == 201
    assert FeedbackTicket.objects.count() == 3


@pytest.mark.parametrize(("count", "message"), [(0, "list is empty"), (51, "at most 50")])
def test_batch_size_is_limited(cs_rep, account, count, message):
    with pytest.raises(ValidationError, match=message):
        services.feedback_submit_batch(submitter=cs_rep, items=[fields(account)] * count)
    assert not FeedbackTicket.objects.exists()


def test_a_retry_with_the_key_replays_the_first_answer_unwritten(cs_rep, account):
    items = [fields(account, title="A"), fields(account, title="B")]
    first = services.feedback_submit_batch(submitter=cs_rep, items=items, idempotency_key="k")
    retry = services.feedback_submit_batch(submitter=cs_rep, items=items, idempotency_key="k")
    assert retry.replayed and not first.replayed
    assert (retry.status_code, retry.content) == (201, first.content)
    assert FeedbackTicket.objects.count() == 2
    assert IdempotencyKey.objects.get().response == first.content


def test_a_replay_comes_before_validation(cs_rep, account):
    """A retry is answered as the first time, even if its input would not validate now."""
    items = [{"title": "A"}]
    cleaned = [fields(account, title="A")]
    first = services.feedback_submit_batch(
        submitter=cs_rep, items=items, idempotency_key="k", clean=lambda raw: cleaned
    )

    def refuse(raw):
        raise ValidationError("no longer valid")

    retry = services.feedback_submit_batch(
        submitter=cs_rep, items=items, idempotency_key="k", clean=refuse
    )
    assert retry.replayed and retry.content == first.content


def test_the_key_with_other_items_is_a_conflict(cs_rep, account):
    services.feedback_submit_batch(submitter=cs_rep, items=[fields(account)], idempotency_key="k")
    other = services.feedback_submit_batch(
        submitter=cs_rep, items=[fields(account, title="Other")], idempotency_key="k"
    )
    assert other.status_code == 422
    assert "different request body" in json.loads(other.content)["detail"]
    assert FeedbackTicket.objects.count() == 1


def test_keys_belong_to_their_user(cs_rep, account):
    services.feedback_submit_batch(submitter=cs_rep, items=[fields(account)], idempotency_key="k")
    colleague = CsRepFactory()
    theirs = services.feedback_submit_batch(
        submitter=colleague,
        items=[fields(AccountFactory(csm_owner=colleague))],
        idempotency_key="k",
    )
    assert theirs.status_code == 201 and not theirs.replayed
    assert FeedbackTicket.objects.count() == 2
