"""The feedback app's home panels (slot ``home``): each a selector with a fixed query count.

- CS rep: my accounts at risk with what they asked for and where it stands; my open feedback and
  what changed on it since my last visit;
- PM: the triage queue (size, age, oldest first) and the median time to triage, this week against
  last week.
"""

import datetime as dt
from collections import defaultdict

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone

from portal.choices import HealthBand, LifecycleStage
from portal.models import Account
from roadmap.models import Vote

from .choices import OPEN_STATUSES, TicketStatus
from .metrics import hours_label, median_hours, triage_times
from .models import FeedbackTicket, TicketAccount

AT_RISK_SHOWN = 8
ASKS_PER_ACCOUNT = 4
MINE_SHOWN = 8
CHANGES_SHOWN = 10
QUEUE_SHOWN = 6
DEFAULT_LOOKBACK = dt.timedelta(days=7)
MEDIANS_CACHE_SECONDS = 300
# What the home lists show (descriptions, quotes and score breakdowns stay in the database).
TICKET_BRIEF = (
    "id",
    "title",
    "status",
    "updated_at",
    "created_at",
    "account__id",
    "account__name",
    "roadmap_item__id",
    "roadmap_item__title",
    "roadmap_item__status",
    "roadmap_item__rank",
)
CHANGE_BRIEF = (
    "history_id",
    "id",
    "title",
    "history_date",
    "history_change_reason",
    "history_user__id",
    "history_user__username",
    "history_user__first_name",
    "history_user__last_name",
)
ITEM_BRIEF = ("id", "title", "status", "rank")


def _since(request) -> dt.datetime:
    previous = getattr(request, "home_previous_visit", None)
    return previous or timezone.now() - DEFAULT_LOOKBACK


def accounts_at_risk_panel(request, user) -> dict:
    """Three queries: my red or at-risk accounts (largest ARR first), their open tickets and
    their votes, each with the roadmap item and its status."""
    accounts = list(
        Account.objects.managed_by(user)
        .filter(Q(health_band=HealthBand.RED) | Q(lifecycle_stage=LifecycleStage.AT_RISK))
        .exclude(lifecycle_stage=LifecycleStage.CHURNED)
        .order_by("-arr", "name")[: AT_RISK_SHOWN + 1]
    )
    more = len(accounts) > AT_RISK_SHOWN
    accounts = accounts[:AT_RISK_SHOWN]
    asks: dict[int, list[dict]] = defaultdict(list)
    if accounts:
        ids = [a.pk for a in accounts]
        links = (
            TicketAccount.objects.filter(account_id__in=ids, ticket__status__in=OPEN_STATUSES)
            .select_related("ticket__roadmap_item")
            .only(
                "account_id",
                *(f"ticket__{name}" for name in ("id", "title", "status", "created_at")),
                *(f"ticket__roadmap_item__{name}" for name in ITEM_BRIEF),
            )
            .order_by("-ticket__created_at")[: AT_RISK_SHOWN * ASKS_PER_ACCOUNT * 4]
        )
        for link in links:
            ticket = link.ticket
            asks[link.account_id].append(
                {
                    "kind": "feedback",
                    "title": ticket.title,
                    "url": ticket.get_absolute_url(),
                    "status": ticket.get_status_display(),
                    "item": ticket.roadmap_item,
                }
            )
        votes = (
            Vote.objects.filter(account_id__in=ids)
            .exclude(item__status="declined")
            .select_related("item")
            .only("account_id", "updated_at", *(f"item__{name}" for name in ITEM_BRIEF))
            .order_by("-updated_at")[: AT_RISK_SHOWN * ASKS_PER_ACCOUNT * 4]
        )
        for vote in votes:
            asks[vote.account_id].append(
                {
                    "kind": "vote",
                    "title": vote.item.title,
                    "url": vote.item.get_absolute_url(),
                    "status": "voted",
                    "item": vote.item,
                }
            )
    for account in accounts:
        account.asks = asks[account.pk][:ASKS_PER_ACCOUNT]
    return {"accounts": accounts, "more": more}


def _newest_first(*parts: list, key, limit: int) -> list:
    """The first ``limit`` of several lists each sorted newest first, by ``key``, once each."""
    unique = {row.pk: row for part in parts for row in part}.values()
    return sorted(unique, key=key, reverse=True)[:limit]


def my_feedback_panel(request, user) -> dict:
    """Four queries: my newest open tickets, those I filed and those I joined, and what others
    changed on them since my last visit (status moves, merges, links, shipped), again for
    those I filed and those I joined.

    None of them reads every ticket the rep ever touched (a busy rep has a thousand): what they
    filed is an index walk by submitter that stops at the first few, and what they joined comes
    from their joined links only (``TicketAccount.joined``: the link made at filing is not one).
    """
    since = _since(request)
    joined = TicketAccount.objects.filter(added_by=user, joined=True).values("ticket_id")
    order = ("-updated_at", "-id")
    open_tickets = FeedbackTicket.objects.filter(status__in=OPEN_STATUSES).order_by(*order)

    def newest(tickets):
        # The few first, then their account and item (joined before the LIMIT, PostgreSQL
        # would look up the account and item of every open ticket the rep joined).
        return list(
            FeedbackTicket.objects.filter(pk__in=tickets.values("pk")[:MINE_SHOWN])
            .select_related("account", "roadmap_item")
            .only(*TICKET_BRIEF)
            .order_by(*order)
        )

    tickets = _newest_first(
        newest(open_tickets.filter(submitter=user)),
        newest(open_tickets.filter(pk__in=joined)),
        key=lambda ticket: (ticket.updated_at, ticket.pk),
        limit=MINE_SHOWN,
    )
    by_others = (
        FeedbackTicket.history.filter(history_date__gt=since)
        .exclude(history_type="+")
        .exclude(history_user=user)
        .select_related("history_user")
        .only(*CHANGE_BRIEF)
        .order_by("-history_date", "-history_id")
    )
    changes = _newest_first(
        list(by_others.filter(submitter_id=user.pk)[:CHANGES_SHOWN]),
        list(by_others.filter(id__in=joined)[:CHANGES_SHOWN]),
        key=lambda change: (change.history_date, change.history_id),
        limit=CHANGES_SHOWN,
    )
    return {"tickets": tickets, "changes": changes, "since": since}


def triage_medians(now: dt.datetime | None = None) -> dict:
    """Two queries over the tickets' history, cached for a few minutes (they read every triaged
    ticket's history and move slowly): the median time to triage this week and last week."""
    now = now or timezone.now()
    week_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    week_start -= dt.timedelta(days=week_start.weekday())
    key = f"home:triage-medians:{week_start.date().isoformat()}"
    medians = cache.get(key)
    if medians is None:
        week_before = week_start - dt.timedelta(days=7)
        medians = {
            "this_week": median_hours(triage_times(since=week_start, until=now)),
            "last_week": median_hours(triage_times(since=week_before, until=week_start)),
            "computed_at": now,
        }
        cache.set(key, medians, MEDIANS_CACHE_SECONDS)
    return medians


def triage_queue_panel(request, user) -> dict:
    """Two queries: the queue's size and oldest ticket, and its oldest tickets; plus the triage
    medians (two more when they are not cached)."""
    queue = FeedbackTicket.objects.filter(status=TicketStatus.NEW)
    stats = queue.aggregate(size=Count("id"), oldest=Min("created_at"))
    oldest = list(queue.select_related("account").order_by("created_at", "id")[:QUEUE_SHOWN])
    medians = triage_medians()
    this_week, last_week = medians["this_week"], medians["last_week"]
    return {
        "size": stats["size"],
        "oldest_at": stats["oldest"],
        "oldest": oldest,
        "this_week": hours_label(this_week),
        "last_week": hours_label(last_week),
        "faster": this_week is not None and last_week is not None and this_week < last_week,
        "medians_at": medians["computed_at"],
    }
