import pytest
from django.core.management import call_command

from feedback.models import FeedbackTicket, TicketAccount


@pytest.mark.django_db
def test_demo_seeds_tickets_across_the_workflow_idempotently():
    call_command("seed_demo")
    counts = (FeedbackTicket.objects.count(), TicketAccount.objects.count())
    call_command("seed_demo")
    assert (FeedbackTicket.objects.count(), TicketAccount.objects.count()) == counts
    assert 55 <= counts[0] <= 65
    statuses = set(FeedbackTicket.objects.values_list("status", flat=True))
    assert statuses == {
        "new", "triaged", "planned", "in_progress", "shipped", "closed", "declined", "duplicate"
    }  # fmt: skip
    assert FeedbackTicket.objects.values("account").distinct().count() >= 20
    assert FeedbackTicket.objects.values("impact").distinct().count() == 4
    # The roadmap demo has an item: some tickets feed it.
    assert FeedbackTicket.objects.filter(roadmap_item__isnull=False).exists()
    assert counts[1] > counts[0]  # some tickets were joined by more accounts
