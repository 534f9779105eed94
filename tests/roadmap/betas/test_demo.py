import pytest
from django.core.management import call_command

from roadmap.betas.selectors import validation_rate
from roadmap.launches.selectors import plan_readiness
from roadmap.models import BetaParticipant, BetaProgram, LaunchPlan, Milestone


@pytest.mark.django_db
def test_demo_seeds_a_program_and_a_launch_plan_idempotently():
    call_command("seed_demo")
    counts = (
        BetaProgram.objects.count(),
        BetaParticipant.objects.count(),
        LaunchPlan.objects.count(),
        Milestone.objects.count(),
    )
    call_command("seed_demo")
    assert counts == (
        BetaProgram.objects.count(),
        BetaParticipant.objects.count(),
        LaunchPlan.objects.count(),
        Milestone.objects.count(),
    )
    program = BetaProgram.objects.get()
    assert counts[1] == 5 and counts[3] == 4
    assert validation_rate(program).percent == 100
    assert plan_readiness(LaunchPlan.objects.get()).status in {"ready", "needs_attention"}
