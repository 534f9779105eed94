"""Reads for the launch pages and API, and launch readiness.

Readiness from a plan's milestones on a given day (pass ``today``: tests fix it).

- ``blocked``: a critical milestone is late, or a milestone is due (or past due) while one it
  depends on is not done;
- ``needs_attention``: a milestone is due within 3 days and not done, or a non-critical one is
  late;
- ``ready`` otherwise. Reasons and recommendations are in words, as in seed 002.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.utils import timezone

from roadmap.models import LaunchPlan, Milestone

from .choices import Readiness

SOON_DAYS = 3
CALENDAR_PAST_DAYS = 30


def plans_for_lists():
    """Plans with their item, owner, milestones and dependencies (a fixed number of queries)."""
    return LaunchPlan.objects.for_lists()


def plans_for_calendar(*, today: dt.date, past_days: int = CALENDAR_PAST_DAYS):
    """Upcoming launches and those of the last ``past_days``."""
    return plans_for_lists().filter(item__launch_date__gte=today - dt.timedelta(days=past_days))


def next_milestone(plan: LaunchPlan):
    """The first undone milestone (from the prefetched ones)."""
    return next((m for m in plan.milestones.all() if not m.is_done), None)


def with_readiness(plans, *, today: dt.date):
    """``plans`` annotated with ``readiness_status``: the status :func:`plan_readiness` gives on
    ``today``, computed in the query (so a list can filter on it, count and page it in SQL).

    The same rules: blocked when an undone critical milestone is late or an undone milestone due
    by today depends on an undone one; needs attention when an undone milestone is due within
    ``SOON_DAYS`` or late (a late critical one is already blocked); ready otherwise."""
    undone = Milestone.objects.filter(plan=OuterRef("pk"), done_at__isnull=True)
    critical_late = undone.filter(critical=True, due_date__lt=today)
    waiting_on_undone = Milestone.depends_on.through.objects.filter(
        from_milestone__plan=OuterRef("pk"),
        from_milestone__done_at__isnull=True,
        from_milestone__due_date__lte=today,
        to_milestone__done_at__isnull=True,
    )
    due_soon_or_late = undone.filter(due_date__lte=today + dt.timedelta(days=SOON_DAYS))
    return plans.annotate(
        readiness_status=Case(
            When(Exists(critical_late) | Exists(waiting_on_undone), then=Value(Readiness.BLOCKED)),
            When(Exists(due_soon_or_late), then=Value(Readiness.NEEDS_ATTENTION)),
            default=Value(Readiness.READY),
            output_field=CharField(),
        )
    )


@dataclass
class ReadinessReport:
    status: str
    reasons: list[str] = field(default_factory=list)
    recommendations: list[str] = field(default_factory=list)
    days_to_launch: int | None = None

    @property
    def label(self) -> str:
        return Readiness(self.status).label


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def plan_readiness(plan: LaunchPlan, *, today: dt.date | None = None) -> ReadinessReport:
    """Uses the plan's prefetched milestones and their ``depends_on`` when present."""
    today = today or timezone.localdate()
    milestones = list(plan.milestones.all())
    blocked: list[str] = []
    attention: list[str] = []
    recommendations: list[str] = []
    for m in milestones:
        if m.is_done:
            continue
        late_by = (today - m.due_date).days
        if late_by > 0:
            if m.critical:
                blocked.append(f"critical milestone {m.name} is {_days(late_by)} late")
                recommendations.append(
                    f"Finish {m.name} now or move the launch date: it is on the critical path"
                )
            else:
                attention.append(f"{m.name} is {_days(late_by)} late")
                recommendations.append(f"Finish or reschedule {m.name}")
        elif late_by >= -SOON_DAYS:
            when = "today" if late_by == 0 else f"in {_days(-late_by)}"
            attention.append(f"{m.name} is due {when} and not done")
            owner = f" with {m.owner}" if m.owner_id else ""
            recommendations.append(f"Check {m.name}{owner} before it falls due")
        if late_by >= 0:
            undone = [d for d in m.depends_on.all() if not d.is_done]
            for dep in undone:
                blocked.append(f"{m.name} is due but depends on {dep.name}, which is not done")
                recommendations.append(f"Unblock {m.name}: finish {dep.name} first")
    days_to_launch = (plan.item.launch_date - today).days if plan.item.launch_date else None
    if days_to_launch is not None and 0 <= days_to_launch <= 7:
        recommendations.append("Schedule daily standups during launch week")
    if days_to_launch is not None and 0 <= days_to_launch < 30 and (blocked or attention):
        recommendations.append("Accelerate pre-launch preparation timeline")
    if blocked:
        status = Readiness.BLOCKED
    elif attention:
        status = Readiness.NEEDS_ATTENTION
    else:
        status = Readiness.READY
    if status == Readiness.READY:
        recommendations.append("Keep milestone owners ticking their steps as they finish")
    return ReadinessReport(
        status=status,
        reasons=blocked + attention,
        recommendations=list(dict.fromkeys(recommendations)),
        days_to_launch=days_to_launch,
    )
