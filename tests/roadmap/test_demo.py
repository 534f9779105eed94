import pytest
from django.core.management import call_command

from roadmap.models import RoadmapItem, ScoreSnapshot, Vote


@pytest.mark.django_db
def test_demo_seeds_a_ranked_board_and_is_idempotent():
    call_command("seed_demo")
    items, votes = RoadmapItem.objects.count(), Vote.objects.count()
    assert items >= 25
    assert votes > 100
    assert set(RoadmapItem.objects.values_list("status", flat=True)) >= {
        "under_consideration",
        "planned",
        "in_progress",
        "shipped",
    }
    open_items = RoadmapItem.objects.open()
    assert sorted(open_items.values_list("rank", flat=True)) == list(
        range(1, open_items.count() + 1)
    )
    consensus = [i.score_breakdown["consensus"] for i in open_items]
    assert True in consensus and False in consensus
    assert ScoreSnapshot.objects.exists()
    call_command("seed_demo")
    assert (RoadmapItem.objects.count(), Vote.objects.count()) == (items, votes)
