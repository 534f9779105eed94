"""The roadmap's home panels (slot ``home``) and inbox audiences; each panel a selector with a
fixed query count.

- CS rep: items my accounts voted for that moved (rank since last week) or shipped; beta
  invitations for my accounts;
- PM: the top-ranked items with their rank change since last week; items with demand but no CS
  consensus; upcoming launches and their readiness; running betas and their validation rate.

Inbox audiences: shipped items, votes, rank moves in and out of the top ten, beta invitations and
participant moves.
"""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from portal.models import OutboxEvent

from .betas.selectors import validation_rate
from .choices import ItemStatus
from .launches.selectors import plan_readiness
from .models import (
    BetaParticipant,
    BetaProgram,
    LaunchPlan,
    ParticipantState,
    ProgramStatus,
    RoadmapItem,
    ScoreSnapshot,
    Vote,
)

WEEK = dt.timedelta(days=7)
SHIPPED_RECENTLY = dt.timedelta(days=30)
SHOWN = 8
TOP_SHOWN = 10
# What the home lists show of an item (its score breakdown and description stay in the database).
ITEM_BRIEF = ("id", "title", "status", "rank", "shipped_at", "product_area")
# Rendered at most once per PANEL_CACHE_SECONDS per user, "as of" shown: slow to compute, slow to
# change (rank snapshots are weekly, items ship rarely; ranks move with a recompute, and the board
# itself is always live).
CACHED_PANELS = {"home_my_items", "home_top_items", "home_no_consensus"}
INVITE_STATES = [ParticipantState.NOMINATED, ParticipantState.INVITED, ParticipantState.ACCEPTED]


def _with_rank_week_ago(items, now):
    before = ScoreSnapshot.objects.filter(
        item=OuterRef("pk"), recorded_at__lte=now - WEEK
    ).order_by("-recorded_at", "-id")
    return items.annotate(rank_before=Subquery(before.values("rank")[:1]))


def _rank_change(item) -> int | None:
    if item.rank is None or item.rank_before is None:
        return None
    return item.rank_before - item.rank  # positive: moved up


def _backed_by(user) -> Q:
    """Items the user voted for or that one of their accounts voted for, as two EXISTS probes
    per item (the index on votes by item), so a LIMIT in rank or ship order stops early instead
    of first collecting every item the rep's accounts ever backed."""
    return Exists(Vote.objects.filter(item=OuterRef("pk"), rep=user)) | Exists(
        Vote.objects.filter(item=OuterRef("pk"), account__csm_owner=user)
    )


def my_items_panel(request, user) -> dict:
    """Two queries: items my accounts (or my votes) back that shipped in the last 30 days, and
    open ones whose rank moved since last week."""
    now = timezone.now()
    backed = _backed_by(user)
    shipped = list(
        RoadmapItem.objects.filter(status=ItemStatus.SHIPPED)
        .filter(shipped_at__gte=now - SHIPPED_RECENTLY)
        .filter(backed)
        .only(*ITEM_BRIEF)
        .order_by("-shipped_at")[:SHOWN]
    )
    moved = list(
        _with_rank_week_ago(RoadmapItem.objects.open().filter(rank__isnull=False), now)
        .filter(rank_before__isnull=False)
        .exclude(rank=F("rank_before"))
        .filter(backed)
        .only(*ITEM_BRIEF)
        .order_by("rank")[:SHOWN]
    )
    for item in moved:
        item.rank_change = _rank_change(item)
    return {"shipped": shipped, "moved": moved}


def my_beta_invitations_panel(request, user) -> dict:
    """One query: my accounts' places in betas that are not settled yet."""
    places = list(
        BetaParticipant.objects.filter(account__csm_owner=user, state__in=INVITE_STATES)
        .select_related("program", "account")
        .order_by("program__starts_on", "program_id", "account__name")[:SHOWN]
    )
    return {"places": places}


def top_items_panel(request, user) -> dict:
    """One query: the top ten open items and their rank a week ago."""
    items = list(
        _with_rank_week_ago(RoadmapItem.objects.open().filter(rank__isnull=False), timezone.now())
        .select_related("owner")
        .order_by("rank")[:TOP_SHOWN]
    )
    for item in items:
        item.rank_change = _rank_change(item)
    return {"items": items}


def no_consensus_panel(request, user) -> dict:
    """One query: open items with demand but too few CS reps behind them, largest demand first."""
    items = list(
        RoadmapItem.objects.open()
        .filter(score_breakdown__consensus=False, score_breakdown__demand__gt=0)
        .order_by(F("score_breakdown__demand").desc(), "id")[:SHOWN]
    )
    return {"items": items}


def launches_panel(request, user) -> dict:
    """Three queries: upcoming launches (from a week ago on) with their milestones and
    dependencies, and each one's readiness."""
    today = timezone.localdate()
    plans = list(
        LaunchPlan.objects.for_lists()
        .filter(item__launch_date__gte=today - WEEK)
        .order_by("item__launch_date", "id")[:SHOWN]
    )
    for plan in plans:
        plan.readiness = plan_readiness(plan, today=today)
    return {"plans": plans}


def betas_panel(request, user) -> dict:
    """One query: open and running programs with their seats and validation rate."""
    programs = list(
        BetaProgram.objects.for_lists().filter(
            status__in=[ProgramStatus.OPEN, ProgramStatus.RUNNING]
        )[:SHOWN]
    )
    for program in programs:
        program.validation = validation_rate(program)
    return {"programs": programs}


# --- Inbox audiences (portal.inbox) -------------------------------------------------------------


def _item_url(item_id) -> str:
    return reverse("roadmap:item-detail", args=[item_id]) if item_id else ""


def item_shipped_audience(event: OutboxEvent):
    """The item's owner PM, the reps who voted for it and the CSMs of the accounts behind it."""
    item_id = event.payload.get("item_id")
    title = event.payload.get("title", "")
    users: set[int] = set(
        RoadmapItem.objects.filter(pk=item_id, owner__isnull=False).values_list(
            "owner_id", flat=True
        )
    )
    for rep, csm in Vote.objects.filter(item_id=item_id).values_list(
        "rep_id", "account__csm_owner_id"
    ):
        users.update(u for u in (rep, csm) if u)
    return [(u, f"Shipped: {title}", _item_url(item_id)) for u in sorted(users)]


def vote_cast_audience(event: OutboxEvent):
    """The item's owner PM and the account's CSM, when someone else cast the vote."""
    p = event.payload
    rep = p.get("rep_id")
    row = (
        Vote.objects.filter(pk=p.get("vote_id"))
        .values("item__owner_id", "account__csm_owner_id")
        .first()
    )
    if not row:
        return []
    verb = "New vote" if p.get("created") else "Vote updated"
    text = f"{verb} for {p.get('item', '')} on behalf of {p.get('account', '')}"
    users = {row["item__owner_id"], row["account__csm_owner_id"]} - {None, rep}
    return [(u, text, _item_url(p.get("item_id"))) for u in sorted(users)]


TOP = 10


def priority_changed_audience(event: OutboxEvent):
    """The owner PM, when the item enters or leaves the top ten."""
    p = event.payload
    before, after = p.get("previous_rank"), p.get("rank")
    was_top = before is not None and before <= TOP
    is_top = after is not None and after <= TOP
    if was_top == is_top:
        return []
    owner = (
        RoadmapItem.objects.filter(pk=p.get("item_id")).values_list("owner_id", flat=True).first()
    )
    if not owner:
        return []
    words = f"entered the top {TOP}" if is_top else f"left the top {TOP}"
    text = f"{p.get('title', '')} {words} (rank {before or '–'} → {after or '–'})"
    return [(owner, text, _item_url(p.get("item_id")))]


PARTICIPANT_WORDS = {
    "nominated": "was nominated for",
    "invited": "is invited to",
    "accepted": "accepted the invitation to",
    "active": "started",
    "completed": "completed",
    "declined": "declined",
    "removed": "was removed from",
}


def beta_participant_changed_audience(event: OutboxEvent):
    """A beta invitation or a participant's move: the account's CSM and the program's PM and CS
    owners, except whoever made the change."""
    p = event.payload
    row = (
        BetaParticipant.objects.filter(pk=p.get("participant_id"))
        .values("csm_id", "account__csm_owner_id", "program__pm_owner_id", "program__cs_owner_id")
        .first()
    )
    if not row:
        return []
    users = set(row.values()) - {None, p.get("actor_id")}
    words = PARTICIPANT_WORDS.get(p.get("state"), f"is now {p.get('state')} in")
    text = f"{p.get('account', '')} {words} the beta {p.get('program', '')}"
    url = reverse("roadmap:beta-detail", args=[p["program_id"]]) if p.get("program_id") else ""
    return [(u, text, url) for u in sorted(users)]
