import pytest
from django.urls import reverse

from portal.models import User
from roadmap import scoring
from roadmap.forms import ScoringPolicyForm
from roadmap.models import ScoreSnapshot, ScoringPolicy, ScoringState

from .factories import VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_every_roadmap_model_has_a_working_admin(superuser_client):
    vote = VoteFactory()
    scoring.priorities_recompute()
    objects = {
        "roadmapitem": vote.item,
        "vote": vote,
        "scoringpolicy": ScoringPolicy.current(),
        "scoringstate": ScoringState.objects.get(),
        "scoresnapshot": ScoreSnapshot.objects.first(),
    }
    for model, obj in objects.items():
        changelist = superuser_client.get(reverse(f"admin:roadmap_{model}_changelist") + "?q=a")
        assert changelist.status_code == 200, model
        change = superuser_client.get(reverse(f"admin:roadmap_{model}_change", args=[obj.pk]))
        assert change.status_code == 200, model


def test_policy_change_in_admin_is_a_new_version(
    superuser_client, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    policy = ScoringPolicy.current()
    body = {f: getattr(policy, f) for f in ScoringPolicyForm.Meta.fields}
    body["consensus_threshold"] = 2
    url = reverse("admin:roadmap_scoringpolicy_change", args=[policy.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(url, body)
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.version, policy.consensus_threshold) == (2, 2)
    assert ScoringState.objects.get().dirty_since is not None
