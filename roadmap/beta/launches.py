"""Use cases that change launch plans and milestones."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from roadmap.models import LaunchPlan, Milestone, RoadmapItem


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


def _require(actor, perm: str) -> None:
    if actor is not None and not actor.has_perm(perm):
        raise PermissionDenied("Your role does not allow this action.")


@transaction.atomic
def launch_plan_create(*, item: RoadmapItem, actor, owner=None) -> LaunchPlan:
    """A plan for an item with a launch date, with the standard milestones and dependencies."""
    _require(actor, "roadmap.add_launchplan")
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
            due_date=item.launch_date + dt.timedelta(days=standard.offset_days),
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
    _require(actor, "roadmap.change_launchplan")
    plan = LaunchPlan.objects.select_for_update().select_related("item").get(pk=plan.pk)
    item = plan.item
    item.launch_date = launch_date
    item._history_user = actor
    item.save(update_fields=["launch_date", "updated_at"])
    for milestone in plan.milestones.filter(done_at__isnull=True, offset_days__isnull=False):
        milestone.due_date = launch_date + dt.timedelta(days=milestone.offset_days)
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
    _require(actor, "roadmap.add_milestone")
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
    _require(actor, "roadmap.change_milestone")
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
    _require(actor, "roadmap.change_milestone")
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
