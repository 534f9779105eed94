import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F, Value

from feedback import services
from feedback.choices import TicketStatus
from feedback.models import FeedbackTicket, TicketAccount
from feedback.selectors import demand_signals
from portal.models import Account, OutboxEvent
from roadmap import scoring
from roadmap.demand import signals_for_item
from tests.factories import AccountFactory

from .factories import RoadmapItemFactory, TicketFactory, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def demand_events(monkeypatch):
    """The items each priority request named (the request itself still happens)."""
    received = []
    real = scoring.priorities_request

    def spy(*, cause, item_ids=None):
        if ids := sorted({i for i in item_ids if i}):
            received.append(ids)
        real(cause=cause, item_ids=item_ids)

    monkeypatch.setattr(services, "priorities_request", spy)
    return received


def submit(account, rep, **extra):
    fields = {
        "title": "Bulk export to CSV",
        "description": "Finance exports reports by hand.",
        "category": "feature_request",
        "impact": "high",
        "source": "call",
        **extra,
    }
    return services.feedback_submit(account=account, submitter=rep, **fields)


def test_submit_puts_the_account_on_the_ticket_and_records_the_event(cs_rep, account):
    ticket = submit(account, cs_rep, files=[SimpleUploadedFile("shot.png", png_bytes())])
    assert ticket.status == TicketStatus.NEW
    link = TicketAccount.objects.get(ticket=ticket)
    assert (link.account, link.added_by, link.joined) == (account, cs_rep, False)  # the filing
    event = OutboxEvent.objects.get(topic="feedback_submitted")
    assert event.payload["ticket_id"] == ticket.pk
    assert event.payload["account_id"] == account.pk
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.read() == png_bytes()
    assert ticket.history.first().history_user == cs_rep


def test_submit_refuses_a_disguised_file_and_writes_nothing(cs_rep, account):
    fake = SimpleUploadedFile("shot.png", b"MZ\x90\x00 not an image at all")
    with pytest.raises(ValidationError) as exc:
        submit(account, cs_rep, files=[fake])
    assert "attachments" in exc.value.message_dict
    assert not FeedbackTicket.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_join_adds_the_account_once_with_note(
    cs_rep, cs_rep_colleague, account, demand_events, django_capture_on_commit_callbacks
):
    item = RoadmapItemFactory()
    ticket = TicketFactory(account=account, submitter=cs_rep, roadmap_item=item)
    other = AccountFactory(csm_owner=cs_rep_colleague)
    with django_capture_on_commit_callbacks(execute=True):
        link = services.ticket_join(
            ticket=ticket, account=other, actor=cs_rep_colleague, note="Same for them"
        )
    assert (link.added_by, link.note, link.joined) == (cs_rep_colleague, "Same for them", True)
    assert demand_events == [[item.pk]]
    with pytest.raises(ValidationError, match="already on"):
        services.ticket_join(ticket=ticket, account=other, actor=cs_rep_colleague)
    assert ticket.ticket_accounts.count() == 2
    ticket.refresh_from_db()
    assert ticket.account_count == 2
    assert ticket.history.first().history_change_reason.startswith("Added account")


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (["triaged", "planned", "in_progress", "shipped", "closed"], None),
        (["triaged", "declined"], None),
    ],
)
def test_allowed_workflow(pm, path, target):
    ticket = TicketFactory()
    for status in path:
        ticket = services.ticket_set_status(
            ticket=ticket, status=status, actor=pm, reason="Not for us"
        )
        assert ticket.status == status


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("new", "shipped"),
        ("new", "closed"),
        ("new", "in_progress"),
        ("triaged", "closed"),
        ("closed", "new"),
        ("shipped", "new"),
        ("new", "duplicate"),
    ],
)
def test_illegal_transitions_are_refused(pm, start, target):
    ticket = TicketFactory(status=start)
    with pytest.raises(ValidationError) as exc:
        services.ticket_set_status(ticket=ticket, status=target, actor=pm)
    assert "status" in exc.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == start


def test_declining_needs_a_reason(pm):
    ticket = TicketFactory()
    with pytest.raises(ValidationError) as exc:
        services.ticket_set_status(ticket=ticket, status="declined", actor=pm, reason="  ")
    assert "declined_reason" in exc.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_duplicate_merge_moves_accounts_evidence_and_item(
    pm, cs_rep, cs_rep_colleague, demand_events, django_capture_on_commit_callbacks
):
    item = RoadmapItemFactory()
    shared = AccountFactory(csm_owner=cs_rep_colleague)
    kept = TicketFactory(account=shared, submitter=cs_rep)
    dup = TicketFactory(submitter=cs_rep_colleague, roadmap_item=item)
    extra = AccountFactory(csm_owner=cs_rep_colleague)
    services.ticket_join(ticket=dup, account=extra, actor=cs_rep_colleague, note="Also")
    services.ticket_join(ticket=dup, account=shared, actor=cs_rep_colleague)
    services.ticket_attachment_add(
        ticket=dup, upload=SimpleUploadedFile("a.png", png_bytes()), actor=cs_rep_colleague
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_mark_duplicate(ticket=dup, kept=kept, actor=pm)
    dup.refresh_from_db()
    kept.refresh_from_db()
    assert (dup.status, dup.duplicate_of) == (TicketStatus.DUPLICATE, kept)
    assert set(kept.ticket_accounts.values_list("account_id", flat=True)) == {
        shared.pk,
        dup.account_id,
        extra.pk,
    }
    assert (kept.account_count, dup.account_count) == (3, 1)  # shared stays on the duplicate
    assert kept.attachments.count() == 1
    assert kept.roadmap_item == item
    assert demand_events[-1] == [item.pk]
    # A duplicate cannot be joined or merged into.
    with pytest.raises(ValidationError):
        services.ticket_join(ticket=dup, account=AccountFactory(), actor=cs_rep)
    with pytest.raises(ValidationError):
        services.ticket_mark_duplicate(ticket=TicketFactory(), kept=dup, actor=pm)
    with pytest.raises(ValidationError):
        services.ticket_mark_duplicate(ticket=kept, kept=kept, actor=pm)


def test_link_unlink_and_impact_change_tell_the_roadmap(
    pm, demand_events, django_capture_on_commit_callbacks
):
    a, b = RoadmapItemFactory(), RoadmapItemFactory()
    ticket = TicketFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_link_item(ticket=ticket, item=a, actor=pm)
        services.ticket_link_item(ticket=ticket, item=b, actor=pm)
        services.ticket_triage(ticket=ticket, actor=pm, impact="blocker")
        services.ticket_link_item(ticket=ticket, item=None, actor=pm)
    assert demand_events == [[a.pk], sorted([a.pk, b.pk]), [b.pk], [b.pk]]


def test_create_roadmap_item_from_ticket(pm):
    ticket = TicketFactory(title="SSO with Okta", product_area="Security")
    item = services.ticket_create_item(ticket=ticket, actor=pm, owner=pm)
    ticket.refresh_from_db()
    assert (item.title, item.product_area, item.owner) == ("SSO with Okta", "Security", pm)
    assert ticket.roadmap_item == item
    assert ticket.status == TicketStatus.TRIAGED


def test_demand_source_rows(cs_rep, cs_rep_colleague):
    item = RoadmapItemFactory()
    live = TicketFactory(submitter=cs_rep, roadmap_item=item, impact="blocker")
    joined = AccountFactory(csm_owner=cs_rep_colleague)
    services.ticket_join(ticket=live, account=joined, actor=cs_rep_colleague)
    TicketFactory(roadmap_item=item, status="declined", declined_reason="no")
    TicketFactory(roadmap_item=None)
    rows = sorted(
        demand_signals().values_list("item_id", "account_id", "level", "actor_id"),
        key=lambda r: r[1],
    )
    assert rows == sorted(
        [
            (item.pk, live.account_id, "blocker", cs_rep.pk),
            (item.pk, joined.pk, "blocker", cs_rep_colleague.pk),
        ],
        key=lambda r: r[1],
    )
    kinds = {row["kind"] for row in signals_for_item(item.pk)}
    assert "feedback" in kinds


def test_demand_source_combines_with_other_sources(cs_rep):
    """The engine may UNION the sources' rows: ours must compile without an ORDER BY."""
    item = RoadmapItemFactory()
    ticket = TicketFactory(submitter=cs_rep, roadmap_item=item, impact="low")

    votes = Account.objects.filter(pk=ticket.account_id).annotate(
        item_id=Value(item.pk), account_id=F("id"), level=Value("high"), actor_id=F("csm_owner")
    )
    columns = ("item_id", "account_id", "level", "actor_id")
    rows = (
        demand_signals()
        .values_list(*columns)
        .union(votes.order_by().values_list(*columns), all=True)
    )
    assert sorted(r[2] for r in rows) == ["high", "low"]
