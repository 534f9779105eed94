"""Use cases that change adoption data: the PM's aha milestone, the once-per-(item, CSM) barrier
message and the once-per-item ``adoption_insight`` when requester adoption crosses the threshold.
The daily task (``tasks.adoption_barriers_daily``) calls the last two; both are idempotent."""

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from integrations.models import AdoptionMilestone, BarrierNotice, RequesterAdoptionCrossing
from portal.models import Account, User
from portal.outbox import outbox_record

from . import adoption_selectors as rows

log = logging.getLogger(__name__)
TOPIC = "adoption_insight"


@transaction.atomic
def adoption_milestone_set(*, item, uses: int, days: int, actor=None) -> AdoptionMilestone:
    """Set (or change) the item's aha milestone: ``uses`` uses within ``days`` days of first use."""
    milestone = AdoptionMilestone.objects.select_for_update().filter(item=item).first()
    milestone = milestone or AdoptionMilestone(item=item)
    milestone.uses, milestone.days = uses, days
    milestone.full_clean(validate_unique=False)
    if actor is not None:
        milestone._history_user = actor
    milestone.save()
    return milestone


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _pairs(today: dt.date) -> tuple[list[dict], dict]:
    """Requested (item, account) pairs for items shipped within the horizon, and those items."""
    horizon = settings.ADOPTION_BARRIER_HORIZON_DAYS + settings.ADOPTION_BARRIER_DAYS
    pairs = rows.requested_shipped_pairs(
        shipped_since=_day_start(today - dt.timedelta(days=horizon)),
        shipped_until=_day_start(today + dt.timedelta(days=1)) - dt.timedelta(microseconds=1),
    )
    items = rows.shipped_items_brief({p["item_id"] for p in pairs})
    return pairs, items


def barrier_notices_send(*, today: dt.date | None = None) -> list[BarrierNotice]:
    """Tell each CSM, once per item, which of their accounts asked for a shipped item and have
    not used it ``ADOPTION_BARRIER_DAYS`` days after ship, with the evidence they gave. A re-run
    (or a concurrent one) sends nothing new: the ledger row is claimed in the transaction that
    sends the e-mail; a failed send leaves no row, so the next run tries again."""
    today = today or timezone.localdate()
    pairs, items = _pairs(today)
    cutoff = today - dt.timedelta(days=settings.ADOPTION_BARRIER_DAYS)
    barriers = [
        p
        for p in pairs
        if not p["used"]
        and p["csm_id"]
        and timezone.localdate(items[p["item_id"]].shipped_at) <= cutoff
    ]
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for p in barriers:
        groups[(p["item_id"], p["csm_id"])].append(p["account_id"])
    done = set(
        BarrierNotice.objects.filter(
            item_id__in={i for i, _ in groups}, csm_id__in={c for _, c in groups}
        ).values_list("item_id", "csm_id")
    )
    todo = {key: ids for key, ids in groups.items() if key not in done}
    if not todo:
        return []
    evidence = rows.barrier_evidence({(i, a) for (i, _), ids in todo.items() for a in ids})
    accounts = Account.objects.in_bulk({a for ids in todo.values() for a in ids})
    csms = User.objects.in_bulk({c for _, c in todo})
    sent = []
    for (item_id, csm_id), ids in sorted(todo.items()):
        item, csm = items[item_id], csms[csm_id]
        listed = sorted((accounts[a] for a in ids), key=lambda a: (-(a.arr or 0), a.name))
        snapshot = [
            {
                "id": a.pk,
                "name": a.name,
                "arr": float(a.arr) if a.arr is not None else None,
                "health_score": a.health_score,
                "evidence": evidence.get((item_id, a.pk), []),
            }
            for a in listed
        ]
        try:
            with transaction.atomic():
                notice = BarrierNotice.objects.create(
                    item=item, csm=csm, accounts=snapshot, emailed=bool(csm.email)
                )
                if csm.email:
                    subject, body = _message(item, csm, snapshot)
                    send_mail(subject, body, None, [csm.email])
        except IntegrityError:  # a concurrent run told this CSM already
            continue
        except Exception:  # the mail server: no row, so the next run tries again
            log.exception("barrier notice for item %s to user %s not sent", item_id, csm_id)
            continue
        sent.append(notice)
    return sent


def _message(item, csm, accounts: list[dict]) -> tuple[str, str]:
    n = len(accounts)
    subject = (
        f"{n} of your accounts asked for “{item.title}” and "
        f"{'have' if n != 1 else 'has'} not used it"
    )
    lines = [
        f"Hello {csm.first_name or csm.username},",
        "",
        f"“{item.title}” shipped on {timezone.localdate(item.shipped_at):%Y-%m-%d}. These "
        f"accounts you manage asked for it and have not used it in the "
        f"{settings.ADOPTION_BARRIER_DAYS} days since:",
        "",
    ]
    for account in accounts:
        lines.append(
            f"- {account['name']} (ARR {account['arr']:,.0f}, health {account['health_score']})"
        )
        for said in account["evidence"]:
            lines.append(f"    {said['kind']}: {said['text']}")
    lines += [
        "",
        "A short call to show them where it is usually unblocks it.",
        "The item and its adoption: "
        f"{settings.PORTAL_BASE_URL.rstrip('/')}{item.get_absolute_url()}#adoption",
    ]
    return subject, "\n".join(lines)


def requester_crossings_record(*, today: dt.date | None = None) -> list:
    """One ``adoption_insight`` event per item, the first time the share of its requesters that
    used it since ship reaches ``ADOPTION_INSIGHT_REQUESTER_THRESHOLD``."""
    today = today or timezone.localdate()
    threshold = settings.ADOPTION_INSIGHT_REQUESTER_THRESHOLD
    pairs, items = _pairs(today)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for p in pairs:
        counts[p["item_id"]][0] += 1
        counts[p["item_id"]][1] += p["used"]
    done = set(
        RequesterAdoptionCrossing.objects.filter(item_id__in=list(counts)).values_list(
            "item_id", flat=True
        )
    )
    recorded = []
    for item_id, (requesters, adopters) in sorted(counts.items()):
        share = adopters / requesters
        if item_id in done or share < threshold:
            continue
        item = items[item_id]
        try:
            with transaction.atomic():
                crossing = RequesterAdoptionCrossing.objects.create(
                    item=item,
                    threshold=threshold,
                    rate=round(share, 4),
                    requesters=requesters,
                    adopters=adopters,
                )
                crossing.event = outbox_record(
                    topic=TOPIC,
                    payload={
                        "kind": "requester_adoption_crossed",
                        "item_id": item.pk,
                        "title": item.title,
                        "requesters": requesters,
                        "adopters": adopters,
                        "rate": round(share, 4),
                        "threshold": threshold,
                        "summary": f"{adopters} of {requesters} requesting accounts use it "
                        f"({share:.0%}, threshold {threshold:.0%})",
                        "url": item.get_absolute_url(),
                    },
                )
                crossing.save(update_fields=["event"])
        except IntegrityError:
            continue
        recorded.append(crossing)
    return recorded
