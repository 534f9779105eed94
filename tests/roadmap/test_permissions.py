"""roadmap.permissions: the one answer to "may this user…", for the owner, a colleague and an
outsider; the templates ask the same predicates through the roadmap_tags filters."""

import pytest
from django.template import Context, Template

from roadmap import permissions
from tests.factories import AccountFactory

from .factories import RoadmapItemFactory, VoteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("outsider", password="x")


def test_votes_owner_colleague_outsider(cs_rep, cs_rep_colleague, outsider, account):
    vote = VoteFactory(account=account, rep=cs_rep)
    assert permissions.can_vote_for(cs_rep, account)
    assert permissions.can_withdraw(cs_rep, vote)
    assert not permissions.can_vote_for(cs_rep_colleague, account)
    assert not permissions.can_withdraw(cs_rep_colleague, vote)
    assert not permissions.can_vote_for(outsider, account)
    assert not permissions.can_withdraw(outsider, vote)
    # The account moved to the colleague: now they may withdraw it, the rep who cast it still may.
    account.csm_owner = cs_rep_colleague
    account.save()
    vote.refresh_from_db()
    assert permissions.can_withdraw(cs_rep_colleague, vote)
    assert permissions.can_withdraw(cs_rep, vote)


def test_vote_on_needs_an_open_item(cs_rep, pm):
    assert permissions.can_vote_on(cs_rep, RoadmapItemFactory())
    assert not permissions.can_vote_on(cs_rep, RoadmapItemFactory(status="shipped"))
    assert not permissions.can_vote_on(pm, RoadmapItemFactory())


def test_items_and_policy_by_role(cs_rep, pm, portal_admin, outsider):
    item = RoadmapItemFactory()
    assert permissions.can_edit_item(pm, item) and permissions.can_move_item(pm, item)
    assert not permissions.can_edit_item(cs_rep, item) and not permissions.can_move_item(cs_rep)
    assert permissions.can_change_policy(portal_admin) and not permissions.can_change_policy(pm)
    assert not any(p(outsider) for p in (permissions.can_create_item, permissions.can_recompute))


def test_nominate_owner_colleague_pm_outsider(cs_rep, cs_rep_colleague, pm, outsider, account):
    assert permissions.can_nominate(cs_rep, account)
    assert not permissions.can_nominate(cs_rep_colleague, account)
    assert permissions.can_nominate(pm, AccountFactory())  # PMs nominate any account
    assert not permissions.can_nominate(outsider, account)
    assert permissions.can_nominate_some(cs_rep) and not permissions.can_nominate_some(outsider)
    assert permissions.can_manage_participants(pm)
    assert not permissions.can_manage_participants(cs_rep)


def test_launches_by_role(cs_rep, pm):
    for predicate in (
        permissions.can_create_launch,
        permissions.can_move_launch,
        permissions.can_add_milestone,
        permissions.can_manage_milestones,
    ):
        assert predicate(pm) and not predicate(cs_rep)


def test_templates_ask_the_same_predicates(cs_rep, cs_rep_colleague, account):
    vote = VoteFactory(account=account, rep=cs_rep)
    template = Template(
        "{% load roadmap_tags %}{% if user|can_withdraw:vote %}withdraw{% endif %}"
        "{% if user|can_create_item %}create{% endif %}"
    )
    assert template.render(Context({"user": cs_rep, "vote": vote})) == "withdraw"
    assert template.render(Context({"user": cs_rep_colleague, "vote": vote})) == ""


def test_require_lets_the_system_through_and_refuses_others(cs_rep):
    from django.core.exceptions import PermissionDenied

    permissions.require(None, permissions.can_create_item)
    with pytest.raises(PermissionDenied, match="Your role does not allow"):
        permissions.require(cs_rep, permissions.can_create_item)
