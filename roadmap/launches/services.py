"""Use cases that change launch plans and milestones, and the daily milestone reminder: owners
of milestones due tomorrow (or today) or late get one email per milestone and day; the unique
``MilestoneReminder`` row makes a second run send nothing."""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from roadmap.models import LaunchPlan, Milestone, MilestoneReminder, RoadmapItem
from roadmap.permissions import (
    can_add_milestone,
    can_create_launch,
    can_manage_milestones,
    can_move_launch,
    require,
)

from .choices import ReminderKind


@dataclass(frozen=True)
class StandardMilestone:
    key: str
    name: str
    offset_days: int
    critical: bool
    description: str
    depends_on: tuple[str, ...] = ()


# From seed 002: the launch timeline and its dependencies.
STANDARD_MILESTONES = [
    StandardMilestone(
        "feature_freeze", "Feature freeze", -14, True, "No more feature changes allowed"
    ),
    StandardMilestone(
        "marketing_launch",
        "Marketing campaign launch",
        -7,
        True,
        "Start pre-launch marketing activities",
        ("feature_freeze",),
    ),
    StandardMilestone(
        "product_launch",
        "Product launch",
        0,
        True,
        "Official product launch",
        ("marketing_launch",),
    ),
    StandardMilestone(
        "launch_review",
        "Launch review",
        30,
        False,
        "Comprehensive launch performance review",
        ("product_launch",),
    ),
]


def _shift(day: dt.date, days: int, *, field: str) -> dt.date:
    """``day`` moved by ``days``; a date at the end of the calendar is refused, not a crash."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        raise ValidationError({field: f"{day} is too far in the future for this plan."}) from None


@transaction.atomic
def launch_plan_create(*, item: RoadmapItem, actor, owner=None) -> LaunchPlan:
    """A plan for an item with a launch date, with the standard milestones and dependencies."""
    require(actor, can_create_launch)
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if item.launch_date is None:
        raise ValidationError({"item": f"{item} has no launch date yet."})
    if LaunchPlan.objects.filter(item=item).exists():
        raise ValidationError({"item": f"{item} already has a launch plan."})
    plan = LaunchPlan(item=item, owner=owner or actor)
    plan.full_clean()
    plan._history_user = actor
    plan.save()
    by_key = {}
    for standard in STANDARD_MILESTONES:
        milestone = Milestone(
            plan=plan,
            key=standard.key,
            name=standard.name,
            description=standard.description,
            offset_days=standard.offset_days,
            due_date=_shift(item.launch_date, standard.offset_days, field="item"),
            critical=standard.critical,
            owner=plan.owner,
        )
        milestone.full_clean(exclude=["plan"])
        milestone._history_user = actor
        milestone.save()
        by_key[standard.key] = milestone
    for standard in STANDARD_MILESTONES:
        for key in standard.depends_on:
            by_key[standard.key].depends_on.add(by_key[key])
    return plan


@transaction.atomic
def launch_date_move(*, plan: LaunchPlan, launch_date: dt.date, actor) -> LaunchPlan:
    """Move the item's launch date; undone relative milestones move with it, done ones and fixed
    dates stay."""
    require(actor, can_move_launch)
    plan = LaunchPlan.objects.select_for_update().select_related("item").get(pk=plan.pk)
    item = plan.item
    item.launch_date = launch_date
    item._history_user = actor
    item.save(update_fields=["launch_date", "updated_at"])
    for milestone in plan.milestones.filter(done_at__isnull=True, offset_days__isnull=False):
        milestone.due_date = _shift(launch_date, milestone.offset_days, field="launch_date")
        milestone._history_user = actor
        milestone._change_reason = "launch date moved"
        milestone.save(update_fields=["due_date"])
    return plan


@transaction.atomic
def milestone_add(
    *,
    plan: LaunchPlan,
    name: str,
    due_date: dt.date,
    actor,
    critical: bool = False,
    owner=None,
    relative: bool = True,
    description: str = "",
    depends_on=(),
) -> Milestone:
    require(actor, can_add_milestone)
    launch = plan.item.launch_date
    milestone = Milestone(
        plan=plan,
        name=name,
        description=description,
        due_date=due_date,
        offset_days=(due_date - launch).days if relative and launch else None,
        critical=critical,
        owner=owner,
    )
    milestone.full_clean()
    milestone._history_user = actor
    milestone.save()
    deps = list(depends_on)
    if any(dep.plan_id != plan.pk for dep in deps):
        raise ValidationError({"depends_on": "A milestone can depend only on its own plan's."})
    milestone.depends_on.set(deps)
    return milestone


@transaction.atomic
def milestone_move(*, milestone: Milestone, due_date: dt.date, actor, owner=...) -> Milestone:
    """Give a milestone a new date (a relative one keeps its new distance to the launch)."""
    require(actor, can_manage_milestones)
    milestone = (
        Milestone.objects.select_for_update().select_related("plan__item").get(pk=milestone.pk)
    )
    milestone.due_date = due_date
    if milestone.offset_days is not None and milestone.plan.item.launch_date:
        milestone.offset_days = (due_date - milestone.plan.item.launch_date).days
    if owner is not ...:
        milestone.owner = owner
    milestone.full_clean()
    milestone._history_user = actor
    milestone._change_reason = "moved"
    milestone.save()
    return milestone


@transaction.atomic
def milestone_tick(*, milestone: Milestone, done: bool, actor) -> Milestone:
    require(actor, can_manage_milestones)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if done and milestone.done_at is None:
        milestone.done_at = timezone.now()
        milestone.done_by = actor
    elif not done:
        milestone.done_at = None
        milestone.done_by = None
    milestone._history_user = actor
    milestone._change_reason = "done" if done else "reopened"
    milestone.save(update_fields=["done_at", "done_by"])
    return milestone


# --- The daily reminder ---------------------------------------------------------------------------

logger = logging.getLogger(__name__)


def _kind(milestone: Milestone, today: dt.date) -> str:
    if milestone.due_date < today:
        return ReminderKind.LATE
    return ReminderKind.DUE_TODAY if milestone.due_date == today else ReminderKind.DUE_TOMORROW


def _message(milestone: Milestone, kind: str, today: dt.date) -> tuple[str, str]:
    plan = milestone.plan
    when = {
        ReminderKind.LATE: f"was due on {milestone.due_date:%Y-%m-%d} "
        f"({(today - milestone.due_date).days} days late)",
        ReminderKind.DUE_TODAY: "is due today",
        ReminderKind.DUE_TOMORROW: f"is due tomorrow, {milestone.due_date:%Y-%m-%d}",
    }[kind]
    subject = f"[Launch] {milestone.name} for {plan.item} {when.split(' (')[0]}"
    critical = (
        " It is a critical milestone: a late one blocks the launch." if milestone.critical else ""
    )
    body = (
        f"{milestone.name} of the launch of {plan.item} {when}.{critical}\n\n"
        f"Tick it when done, or move it: {settings.PORTAL_BASE_URL}{plan.get_absolute_url()}\n"
    )
    return subject, body


def milestone_reminders_send(*, today: dt.date | None = None) -> int:
    """Send the day's reminders; returns how many emails went out."""
    today = today or timezone.localdate()
    due = (
        Milestone.objects.filter(done_at__isnull=True, due_date__lte=today + dt.timedelta(days=1))
        .exclude(owner__isnull=True)
        .exclude(owner__email="")
        .exclude(reminders__sent_on=today)
        .select_related("owner", "plan__item")
    )
    sent = 0
    for milestone in due:
        kind = _kind(milestone, today)
        try:
            with transaction.atomic():
                MilestoneReminder.objects.create(
                    milestone=milestone, sent_on=today, recipient=milestone.owner.email, kind=kind
                )
                subject, body = _message(milestone, kind, today)
                # Inside the transaction: a failed send rolls the record back, so the next run
                # tries again; a concurrent run waits on the unique row and then skips it.
                send_mail(subject, body, None, [milestone.owner.email])
        except IntegrityError:
            continue
        except OSError:
            logger.exception("reminder for milestone %s not sent", milestone.pk)
            continue
        sent += 1
    return sent
