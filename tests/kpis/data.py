"""A hand-built portal for the KPI tests: every measure with numbers one can count by hand."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from feedback.models import FeedbackTicket, ShipNotification
from feedback.services import ticket_set_status
from integrations.maps.services import kpi_record
from integrations.models import FeatureUsage, KpiTarget
from roadmap.models import BetaParticipant, RoadmapItem, Vote
from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory
from tests.feedback.factories import TicketFactory
from tests.maps.factories import import_seed
from tests.roadmap.factories import BetaProgramFactory


def item(title, status="planned", **extra) -> RoadmapItem:
    return RoadmapItem.objects.create(title=title, status=status, **extra)


def vote(item, account, rep) -> Vote:
    return Vote.objects.create(item=item, account=account, rep=rep, evidence="Saves hours.")


def triage_after(ticket: FeedbackTicket, *, hours: float, actor) -> None:
    """Triage through the service, then put the history at ``hours`` after filing."""
    ticket_set_status(ticket=ticket, status="triaged", actor=actor)
    filed = timezone.now() - dt.timedelta(days=2)
    history = FeedbackTicket.history.filter(id=ticket.pk)
    history.update(created_at=filed)
    history.filter(history_type="+").update(history_date=filed)
    history.filter(history_type="~").update(history_date=filed + dt.timedelta(hours=hours))
    FeedbackTicket.objects.filter(pk=ticket.pk).update(created_at=filed)


def build(*, scale: int = 1) -> dict:
    """``scale`` repeats the data set (for the query-count pins at two sizes)."""
    now = timezone.now()
    pm = ProductManagerFactory(username="kpi_pm")
    reps = [CsRepFactory(username=f"kpi_rep{i}") for i in range(3)]
    for n in range(scale):
        accounts = [
            AccountFactory(csm_owner=reps[i % 3], health_score=h)
            for i, h in enumerate([90, 85, 80, 30, 25, 20])
        ]
        # Conversion: 3 triaged (2 linked), 1 new, 1 duplicate -> 2 / 3.
        linked_item = item(f"Linked {n}")
        t1 = TicketFactory(account=accounts[0], submitter=reps[0], roadmap_item=linked_item)
        t2 = TicketFactory(account=accounts[1], submitter=reps[1], roadmap_item=linked_item)
        t3 = TicketFactory(account=accounts[2], submitter=reps[2])
        TicketFactory(account=accounts[3], submitter=reps[0])  # new
        dup = TicketFactory(account=accounts[4], submitter=reps[0])
        FeedbackTicket.objects.filter(pk=dup.pk).update(status="duplicate", duplicate_of=t1)
        # Velocity: triaged 10 h and 30 h after filing (and one more at 20 h) -> median 20 h.
        triage_after(t1, hours=10, actor=pm)
        triage_after(t2, hours=30, actor=pm)
        triage_after(t3, hours=20, actor=pm)
        # Influence: consensus (3 reps) on one open item, one rep on another, declined left out.
        consensus = item(f"Consensus {n}")
        single = item(f"Single rep {n}")
        declined = item(f"Declined {n}", status="declined")
        for i in range(3):
            vote(consensus, accounts[i], reps[i])
            vote(declined, accounts[i], reps[i])
        vote(single, accounts[0], reps[0])
        # Alignment: 4 shipped in range: voted, linked feedback, nothing, declined feedback only.
        shipped = {
            k: item(f"Shipped {k} {n}", status="shipped", shipped_at=now - dt.timedelta(days=3))
            for k in ("voted", "linked", "none", "declined_only")
        }
        vote(shipped["voted"], accounts[5], reps[2])
        told = TicketFactory(account=accounts[5], submitter=reps[2], roadmap_item=shipped["linked"])
        FeedbackTicket.objects.filter(pk=told.pk).update(status="shipped")
        FeedbackTicket.objects.filter(
            pk=TicketFactory(account=accounts[4], roadmap_item=shipped["declined_only"]).pk
        ).update(status="declined", declined_reason="No.")
        # Close the loop: "linked" told one day after ship; "voted" gets an untold ticket.
        ShipNotification.objects.create(ticket=told, recipient=reps[2], email="r@example.com")
        ShipNotification.objects.filter(ticket=told).update(sent_at=now - dt.timedelta(days=2))
        TicketFactory(account=accounts[3], submitter=reps[0], roadmap_item=shipped["voted"])
        # Beta: ratings 5, 4, 2 completed in range (and one not rated) -> 2 / 3.
        program = BetaProgramFactory(item=consensus)
        for account, rating in zip(accounts, [5, 4, 2, None], strict=False):
            BetaParticipant.objects.create(
                program=program,
                account=account,
                state="completed",
                completed_at=now - dt.timedelta(days=1),
                validation_rating=rating,
            )
        # Linkage: "reports" used by the three healthy accounts, "export" by one unhealthy one.
        day = timezone.localdate() - dt.timedelta(days=2)
        for account in accounts[:3]:
            FeatureUsage.objects.create(account=account, feature=f"reports{n}", day=day, events=4)
        FeatureUsage.objects.create(account=accounts[4], feature=f"export{n}", day=day, events=2)
    return {"pm": pm, "reps": reps}


def build_map(actor) -> KpiTarget:
    """Seed 000's map with two values recorded for its first KPI target."""
    imap, _ = import_seed(actor=actor)
    kpi = imap.kpis.order_by("position").first()
    kpi_record(kpi=kpi, actor=actor, measured_value=Decimal("80"))
    kpi_record(kpi=kpi, actor=actor, measured_value=Decimal("96"))
    return kpi
