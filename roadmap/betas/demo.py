"""Demo data for this area (idempotent); called by the app's demo module after roadmap items.

One open beta program with typical rules and a few participants in different states (two rated,
for the validation rate), and a launch plan with the standard milestones, one of them done.
Everything is matched by name, so a second run changes nothing.
"""

import datetime as dt

from django.utils import timezone

from portal.choices import LifecycleStage, Tier
from portal.models import Account, User
from roadmap.launches import services as launches
from roadmap.models import BetaParticipant, BetaProgram, LaunchPlan, RoadmapItem

from .choices import STATE_DATE_FIELD, ParticipantState
from .selectors import candidates_for

DEMO_ITEM = "Workflow automation builder"
DEMO_PROGRAM = "Workflow automation early access"
# Where the demo participants end up, in nomination order.
DEMO_STATES = [
    ParticipantState.COMPLETED,
    ParticipantState.COMPLETED,
    ParticipantState.ACTIVE,
    ParticipantState.INVITED,
    ParticipantState.NOMINATED,
]
PATHS = [
    ParticipantState.INVITED,
    ParticipantState.ACCEPTED,
    ParticipantState.ACTIVE,
    ParticipantState.COMPLETED,
]


def seed(*, scale: int = 1, stdout=None) -> dict:
    pm = User.objects.filter(groups__name="product_manager").order_by("username").first()
    rep = User.objects.filter(groups__name="cs_rep").order_by("username").first()
    item = _item(pm)
    program, created = BetaProgram.objects.get_or_create(
        name=DEMO_PROGRAM,
        defaults={
            "item": item,
            "goal": "Prove that CS teams build their first automation in under a day.",
            "starts_on": timezone.localdate(),
            "ends_on": timezone.localdate() + dt.timedelta(days=60),
            "capacity": 8,
            "pm_owner": pm,
            "cs_owner": rep,
            "min_health_score": 60,
            "allowed_tiers": [Tier.ENTERPRISE, Tier.MID_MARKET],
            "excluded_stages": [LifecycleStage.AT_RISK, LifecycleStage.CHURNED],
            "feedback_commitment_required": True,
            "per_csm_cap": 4,
        },
    )
    if created and Account.objects.exists():
        _participants(program, pm)
    plan = LaunchPlan.objects.filter(item=program.item).first()
    if plan is None and program.item.launch_date:
        plan = launches.launch_plan_create(item=program.item, actor=None, owner=pm)
        freeze = plan.milestones.get(key="feature_freeze")
        launches.milestone_tick(milestone=freeze, done=True, actor=None)
    if stdout is not None:
        stdout.write(f"beta programs: {BetaProgram.objects.count()}")
    return {
        "beta_programs": BetaProgram.objects.count(),
        "launch_plans": LaunchPlan.objects.count(),
    }


def _item(pm) -> RoadmapItem:
    item = RoadmapItem.objects.filter(title=DEMO_ITEM).first()
    if item is None:
        item = (
            RoadmapItem.objects.open().exclude(beta_programs__isnull=False).order_by("id").first()
        )
    if item is None:
        item, _ = RoadmapItem.objects.get_or_create(
            title=DEMO_ITEM,
            defaults={"status": "in_progress", "owner": pm, "product_area": "automation"},
        )
    if item.launch_date is None:
        item.launch_date = timezone.localdate() + dt.timedelta(days=12)
        item.save(update_fields=["launch_date", "updated_at"])
    return item


def _participants(program: BetaProgram, pm) -> None:
    now = timezone.now()
    for index, candidate in enumerate(candidates_for(program, limit=len(DEMO_STATES))):
        target = DEMO_STATES[index]
        participant = BetaParticipant(
            program=program,
            account=candidate.account,
            csm_id=candidate.account.csm_owner_id,
            nominated_by=pm,
            nominated_at=now - dt.timedelta(days=30),
            nomination_reasons=candidate.reasons,
        )
        for step, state in enumerate(PATHS):
            if target == ParticipantState.NOMINATED or PATHS.index(target) < step:
                break
            participant.state = state
            setattr(participant, STATE_DATE_FIELD[state], now - dt.timedelta(days=25 - 5 * step))
        if target == ParticipantState.COMPLETED:
            participant.validation_rating = 5 - index  # 5 and 4: both positive
            participant.validation_comments = "Built three automations in the first week."
        participant.save()
