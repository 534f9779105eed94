"""Demo history for the home pages and the KPI page (idempotent; runs after every app's demo).

The other demos create everything "now". This spreads it over the last weeks so that the weekly
charts, "since last week" and the triage times have something true to show: tickets filed over
ten weeks and triaged hours to days later (their history says so), items shipped on different
weeks with the requesters of one told through the real close-the-loop service, a rank snapshot
from last week, and a measurement history for some integration-map KPI targets.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone

from feedback.models import FeedbackTicket
from feedback.notifications import shipped_notifications_send
from integrations.maps.services import kpi_record
from integrations.models import KpiMeasurement, KpiTarget
from portal.models import User
from roadmap.models import RoadmapItem, ScoreSnapshot

WEEKS = 10


def seed(*, scale: int = 1, stdout=None) -> dict:
    now = timezone.now()
    done = {}
    if not FeedbackTicket.objects.filter(created_at__lt=now - dt.timedelta(days=7)).exists():
        done["tickets_spread"] = _spread_tickets(now)
    if not ScoreSnapshot.objects.filter(recorded_at__lt=now - dt.timedelta(days=7)).exists():
        done["rank_snapshots"] = _last_week_ranks(now)
    if not RoadmapItem.objects.filter(
        status="shipped", shipped_at__lt=now - dt.timedelta(days=2)
    ).exists():
        done["shipped_spread"] = _spread_shipping(now)
    if not KpiMeasurement.objects.exists():
        done["kpi_measurements"] = _kpi_history(now)
    return done


def _spread_tickets(now) -> int:
    """File date over ten weeks; first move out of "new" 2 to 80 hours later."""
    history = FeedbackTicket.history
    first_moves = dict(
        history.exclude(status="new")
        .values("id")
        .annotate(at=Min("history_id"))
        .values_list("id", "at")
    )
    tickets = list(FeedbackTicket.objects.order_by("pk").values_list("pk", flat=True))
    for n, pk in enumerate(tickets):
        filed = now - dt.timedelta(days=(n * 7 * WEEKS) // max(1, len(tickets)) + 1, hours=n % 9)
        FeedbackTicket.objects.filter(pk=pk).update(created_at=filed)
        rows = history.filter(id=pk)
        rows.update(created_at=filed)
        rows.filter(history_type="+").update(history_date=filed)
        if pk in first_moves:
            triaged = min(now, filed + dt.timedelta(hours=2 + (pk * 13) % 78))
            rows.filter(history_id__gte=first_moves[pk]).update(history_date=triaged)
    return len(tickets)


def _last_week_ranks(now) -> int:
    """A snapshot eight days ago with ranks a little off today's: "up 2", "down 1"."""
    items = list(RoadmapItem.objects.open().filter(rank__isnull=False).order_by("rank"))
    ScoreSnapshot.objects.bulk_create(
        ScoreSnapshot(
            item=item,
            recorded_at=now - dt.timedelta(days=8),
            score=item.score,
            rank=max(1, item.rank + (item.pk % 5) - 2),
        )
        for item in items
    )
    return len(items)


def _spread_shipping(now) -> int:
    """Shipped items on different weeks; the requesters of the oldest one were told."""
    shipped = list(RoadmapItem.objects.filter(status="shipped").order_by("pk"))
    for n, item in enumerate(shipped):
        RoadmapItem.objects.filter(pk=item.pk).update(
            shipped_at=now - dt.timedelta(days=3 + 9 * (len(shipped) - 1 - n))
        )
    for item in shipped:
        tickets = list(
            FeedbackTicket.objects.filter(roadmap_item=item, status="shipped").values_list(
                "pk", flat=True
            )
        )
        if tickets:
            shipped_notifications_send(ticket_ids=tickets)
            break
    return len(shipped)


def _kpi_history(now) -> int:
    """Three monthly values for the first targets of each map (the admin typed them in)."""
    admin = User.objects.filter(username="admin").first()
    recorded = 0
    for kpi in KpiTarget.objects.filter(target_value__isnull=False).order_by("map", "position")[:4]:
        target = kpi.target_value
        for months_ago, share in ((2, Decimal("0.82")), (1, Decimal("0.9")), (0, Decimal("0.97"))):
            kpi_record(kpi=kpi, actor=admin, measured_value=(target * share).quantize(Decimal(1)))
            last = KpiMeasurement.objects.filter(kpi=kpi).order_by("-id").first()
            KpiMeasurement.objects.filter(pk=last.pk).update(
                measured_at=now - dt.timedelta(days=30 * months_ago + 1)
            )
            recorded += 1
    return recorded
