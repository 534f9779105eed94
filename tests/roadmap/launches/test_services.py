"""Launch plans: standard milestones, date moves, readiness on a fixed clock, reminders once."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from roadmap.launches import services as launches
from roadmap.launches.selectors import plan_readiness, with_readiness
from roadmap.launches.services import milestone_reminders_send
from roadmap.models import LaunchPlan, MilestoneReminder

from ..factories import LaunchableItemFactory

pytestmark = pytest.mark.django_db

LAUNCH = dt.date(2027, 3, 1)


@pytest.fixture
def plan(pm):
    return launches.launch_plan_create(item=LaunchableItemFactory(launch_date=LAUNCH), actor=pm)


def dates(plan):
    return {m.key or m.name: m.due_date for m in plan.milestones.all()}


def fresh(plan):
    return LaunchPlan.objects.for_lists().get(pk=plan.pk)


def test_standard_milestones_relative_to_the_launch_date(plan, pm):
    rows = list(plan.milestones.values_list("key", "offset_days", "critical", "owner"))
    assert rows == [
        ("feature_freeze", -14, True, pm.pk),
        ("marketing_launch", -7, True, pm.pk),
        ("product_launch", 0, True, pm.pk),
        ("launch_review", 30, False, pm.pk),
    ]
    assert dates(plan) == {
        "feature_freeze": dt.date(2027, 2, 15),
        "marketing_launch": dt.date(2027, 2, 22),
        "product_launch": LAUNCH,
        "launch_review": dt.date(2027, 3, 31),
    }
    deps = {m.key: [d.key for d in m.depends_on.all()] for m in plan.milestones.all()}
    assert deps == {
        "feature_freeze": [],
        "marketing_launch": ["feature_freeze"],
        "product_launch": ["marketing_launch"],
        "launch_review": ["product_launch"],
    }


def test_an_item_without_launch_date_or_with_a_plan_gets_none(pm, plan):
    with pytest.raises(ValidationError, match="no launch date"):
        launches.launch_plan_create(item=LaunchableItemFactory(launch_date=None), actor=pm)
    with pytest.raises(ValidationError, match="already has"):
        launches.launch_plan_create(item=plan.item, actor=pm)


def test_moving_the_launch_moves_undone_relative_milestones_only(plan, pm):
    freeze = plan.milestones.get(key="feature_freeze")
    launches.milestone_tick(milestone=freeze, done=True, actor=pm)
    fixed = launches.milestone_add(
        plan=plan,
        name="Press briefing",
        due_date=dt.date(2027, 2, 20),
        relative=False,
        actor=pm,
    )
    training = launches.milestone_add(
        plan=plan, name="Sales training", due_date=dt.date(2027, 2, 25), actor=pm
    )
    assert (fixed.offset_days, training.offset_days) == (None, -4)
    launches.launch_date_move(plan=plan, launch_date=dt.date(2027, 3, 15), actor=pm)
    plan.item.refresh_from_db()
    assert plan.item.launch_date == dt.date(2027, 3, 15)
    assert dates(plan) == {
        "feature_freeze": dt.date(2027, 2, 15),  # done: stays
        "Press briefing": dt.date(2027, 2, 20),  # fixed date: stays
        "marketing_launch": dt.date(2027, 3, 8),
        "Sales training": dt.date(2027, 3, 11),
        "product_launch": dt.date(2027, 3, 15),
        "launch_review": dt.date(2027, 4, 14),
    }


def test_moving_a_milestone_keeps_it_relative_at_its_new_distance(plan, pm):
    marketing = plan.milestones.get(key="marketing_launch")
    launches.milestone_move(milestone=marketing, due_date=dt.date(2027, 2, 19), actor=pm)
    launches.launch_date_move(plan=plan, launch_date=dt.date(2027, 3, 2), actor=pm)
    marketing.refresh_from_db()
    assert (marketing.offset_days, marketing.due_date) == (-10, dt.date(2027, 2, 20))


def test_milestones_depend_only_on_their_own_plan(plan, pm):
    other = launches.launch_plan_create(item=LaunchableItemFactory(), actor=pm)
    with pytest.raises(ValidationError):
        launches.milestone_add(
            plan=plan,
            name="Odd",
            due_date=LAUNCH,
            depends_on=[other.milestones.first()],
            actor=pm,
        )


def tick(plan, pm, *keys):
    for key in keys:
        launches.milestone_tick(milestone=plan.milestones.get(key=key), done=True, actor=pm)


def test_ready_when_nothing_is_due_soon_or_late(plan):
    report = plan_readiness(fresh(plan), today=dt.date(2027, 2, 1))
    assert (report.status, report.reasons) == ("ready", [])
    assert report.days_to_launch == 28


def test_needs_attention_when_a_milestone_is_due_within_three_days(plan):
    report = plan_readiness(fresh(plan), today=dt.date(2027, 2, 13))
    assert report.status == "needs_attention"
    assert report.reasons == ["Feature freeze is due in 2 days and not done"]
    assert "Check Feature freeze with" in report.recommendations[0]


def test_blocked_when_a_critical_milestone_is_late(plan):
    report = plan_readiness(fresh(plan), today=dt.date(2027, 2, 17))
    assert report.status == "blocked"
    assert report.reasons == ["critical milestone Feature freeze is 2 days late"]
    assert report.recommendations[0] == (
        "Finish Feature freeze now or move the launch date: it is on the critical path"
    )
    assert "Accelerate pre-launch preparation timeline" in report.recommendations


def test_blocked_when_a_dependency_is_undone_as_its_successor_falls_due(plan, pm):
    tick(plan, pm, "feature_freeze", "marketing_launch")
    launches.milestone_tick(
        milestone=plan.milestones.get(key="marketing_launch"), done=False, actor=pm
    )
    # Marketing reopened; on launch day the launch depends on it.
    report = plan_readiness(fresh(plan), today=LAUNCH)
    assert report.status == "blocked"
    assert (
        "Product launch is due but depends on Marketing campaign launch, which is not done"
        in report.reasons
    )
    assert "Schedule daily standups during launch week" in report.recommendations


def test_non_critical_late_milestone_needs_attention(plan, pm):
    tick(plan, pm, "feature_freeze", "marketing_launch", "product_launch")
    report = plan_readiness(fresh(plan), today=dt.date(2027, 4, 2))
    assert report.status == "needs_attention"
    assert report.reasons == ["Launch review is 2 days late"]
    assert report.recommendations == ["Finish or reschedule Launch review"]


def test_all_done_is_ready(plan, pm):
    tick(plan, pm, "feature_freeze", "marketing_launch", "product_launch", "launch_review")
    assert plan_readiness(fresh(plan), today=dt.date(2027, 5, 1)).status == "ready"


def test_reminders_go_once_per_milestone_and_day(plan, pm):
    # 2027-02-14: freeze due tomorrow; nothing else is due or late.
    assert milestone_reminders_send(today=dt.date(2027, 2, 14)) == 1
    assert milestone_reminders_send(today=dt.date(2027, 2, 14)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [pm.email]
    assert "Feature freeze" in mail.outbox[0].subject and "due tomorrow" in mail.outbox[0].body
    # Two days later the freeze is late: one more email for it, and none for the done ones.
    assert milestone_reminders_send(today=dt.date(2027, 2, 16)) == 1
    assert "late" in mail.outbox[1].body
    assert MilestoneReminder.objects.count() == 2
    # Done milestones are not reminded.
    tick(plan, pm, "feature_freeze")
    assert milestone_reminders_send(today=dt.date(2027, 2, 17)) == 0


def test_milestones_without_owner_email_are_skipped(plan, pm):
    plan.milestones.update(owner=None)
    assert milestone_reminders_send(today=dt.date(2027, 2, 14)) == 0
    assert mail.outbox == []


def test_the_daily_task_runs_the_same_service(plan, pm, settings):
    from roadmap.launches.tasks import milestone_reminders_daily

    assert "launch-milestone-reminders-daily" in settings.CELERY_BEAT_SCHEDULE
    milestone_reminders_daily.apply()
    milestone_reminders_daily.apply()
    assert MilestoneReminder.objects.count() == len(mail.outbox)


def test_readiness_in_the_query_agrees_with_the_report_day_by_day(plan, pm):
    """``with_readiness`` (what the calendar filters on) gives the report's status on every day
    from before the freeze to after the review, for plans in different states."""
    ticked = launches.launch_plan_create(
        item=LaunchableItemFactory(launch_date=LAUNCH + dt.timedelta(days=5)), actor=pm
    )
    tick(ticked, pm, "feature_freeze", "marketing_launch")
    reopened = launches.launch_plan_create(
        item=LaunchableItemFactory(launch_date=LAUNCH - dt.timedelta(days=3)), actor=pm
    )
    tick(reopened, pm, "feature_freeze", "marketing_launch")
    launches.milestone_tick(
        milestone=reopened.milestones.get(key="marketing_launch"), done=False, actor=pm
    )
    launches.milestone_add(
        plan=ticked, name="Press briefing", due_date=LAUNCH, relative=False, actor=pm
    )
    # Blocked by a dependency alone: nothing late or critical, release notes due and waiting
    # on the docs.
    waiting = launches.launch_plan_create(
        item=LaunchableItemFactory(launch_date=LAUNCH - dt.timedelta(days=10)), actor=pm
    )
    tick(waiting, pm, "feature_freeze", "marketing_launch", "product_launch", "launch_review")
    docs = launches.milestone_add(
        plan=waiting, name="Docs", due_date=LAUNCH + dt.timedelta(days=20), actor=pm
    )
    launches.milestone_add(
        plan=waiting,
        name="Release notes",
        due_date=LAUNCH + dt.timedelta(days=10),
        depends_on=[docs],
        actor=pm,
    )
    report = plan_readiness(fresh(waiting), today=LAUNCH + dt.timedelta(days=10))
    assert report.status == "blocked"
    assert report.reasons[0] == "Release notes is due but depends on Docs, which is not done"
    seen = set()
    for offset in range(-25, 45):
        today = LAUNCH + dt.timedelta(days=offset)
        in_sql = dict(
            with_readiness(LaunchPlan.objects.all(), today=today).values_list(
                "pk", "readiness_status"
            )
        )
        in_python = {
            p.pk: plan_readiness(p, today=today).status for p in LaunchPlan.objects.for_lists()
        }
        assert in_sql == in_python, today
        seen.update(in_python.values())
    assert seen == {"ready", "needs_attention", "blocked"}
