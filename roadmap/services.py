"""Use cases that change roadmap data. Views, API views and tasks call these; none re-implement."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.choices import LifecycleStage
from portal.models import Account
from portal.onbehalf import not_managed_message
from portal.outbox import outbox_record

from .choices import HealthImpact, ItemStatus
from .features import roadmap_item_set_features
from .models import RoadmapItem, ScoringPolicy, Vote
from .permissions import can_vote_for, can_withdraw
from .scoring import priorities_request


@transaction.atomic
def roadmap_item_create(*, actor=None, feature_keys=None, **fields) -> RoadmapItem:
    """Create a roadmap item (validated). Used by the roadmap pages and by feedback triage
    ("create a roadmap item from this ticket"). ``feature_keys``: the analytics features it
    ships."""
    item = RoadmapItem(**fields)
    item.full_clean()
    if actor is not None:
        item._history_user = actor
    item.save()
    if feature_keys is not None:
        roadmap_item_set_features(item=item, feature_keys=feature_keys, actor=actor)
    priorities_request(cause="item created", item_ids=[item.pk])
    return item


@transaction.atomic
def roadmap_item_set_status(*, item: RoadmapItem, status: str, actor=None) -> RoadmapItem:
    """Move an item to ``status``. Shipping records an ``item_shipped`` outbox event, which the
    feedback app turns into shipped tickets and close-the-loop emails (exactly once)."""
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    if status not in ItemStatus.values:
        raise ValueError(f"unknown status {status!r}")
    if item.status == status:
        return item
    previous = item.status
    item.status = status
    if status == ItemStatus.SHIPPED:
        item.shipped_at = timezone.now()
    if actor is not None:
        item._history_user = actor
    item.save(update_fields=["status", "shipped_at", "updated_at"])
    # Open items are ranked, shipped and declined ones are not: every move changes the ranks
    # (a PM's drag on the board and a Jira "done" alike).
    priorities_request(cause=f"status {previous} → {status}", item_ids=[item.pk])
    if status == ItemStatus.SHIPPED:
        outbox_record(
            topic="item_shipped",
            payload={"item_id": item.pk, "title": item.title, "previous_status": previous},
        )
    return item


# --- Items: edits and moves by PMs --------------------------------------------------------------

SCORE_INPUTS = {"impact", "confidence", "effort", "status"}


@transaction.atomic
def roadmap_item_update(
    *, item: RoadmapItem, actor=None, feature_keys=None, **fields
) -> RoadmapItem:
    """Edit an item's fields (not its status: see :func:`roadmap_item_move`) and, when given, the
    analytics features it ships. Changing the PM estimates asks for a recompute."""
    item = RoadmapItem.objects.select_for_update().get(pk=item.pk)
    changed = {k for k, v in fields.items() if getattr(item, k) != v}
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    if actor is not None:
        item._history_user = actor
    item.save()
    if feature_keys is not None:
        roadmap_item_set_features(item=item, feature_keys=feature_keys, actor=actor)
    if changed & SCORE_INPUTS:
        priorities_request(cause="item estimates edited", item_ids=[item.pk])
    return item


@transaction.atomic
def roadmap_item_move(*, item: RoadmapItem, status: str, actor=None) -> RoadmapItem:
    """A PM moves a card to another column of the board; ranks follow after a recompute."""
    if status not in ItemStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    return roadmap_item_set_status(item=item, status=status, actor=actor)


# --- Votes ----------------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(
    *,
    item: RoadmapItem,
    account: Account,
    rep,
    evidence: str,
    expected_health_impact: str = HealthImpact.MEDIUM,
) -> tuple[Vote, bool]:
    """Vote for ``item`` on behalf of ``account``; voting again updates the vote. Returns
    ``(vote, created)``. Concurrent casts for one (item, account) end with one row: the unique
    constraint decides, the loser updates the winner's vote."""
    evidence = (evidence or "").strip()
    errors = {}
    if not evidence:
        errors["evidence"] = "Describe the outcome the account expects (evidence is required)."
    if expected_health_impact not in HealthImpact.values:
        errors["expected_health_impact"] = f"Choose one of {', '.join(HealthImpact.values)}."
    if not item.is_open:
        errors["item"] = f"“{item}” is {item.get_status_display().lower()}: votes are closed."
    if account.lifecycle_stage == LifecycleStage.CHURNED:
        errors["account"] = f"{account} has churned."
    elif not can_vote_for(rep, account):
        errors["account"] = not_managed_message(account)
    if errors:
        raise ValidationError(errors)

    values = {"rep": rep, "evidence": evidence, "expected_health_impact": expected_health_impact}
    vote = Vote.objects.select_for_update().filter(item=item, account=account).first()
    created = vote is None
    if created:
        try:
            with transaction.atomic():
                vote = Vote(item=item, account=account, **values)
                vote.full_clean(validate_constraints=False)
                vote._history_user = rep
                vote.save()
        except IntegrityError:
            # Another request created it between our read and our insert.
            vote = Vote.objects.select_for_update().get(item=item, account=account)
            created = False
    if not created:
        for name, value in values.items():
            setattr(vote, name, value)
        vote.full_clean(validate_constraints=False)
        vote._history_user = rep
        vote.save()
    outbox_record(
        topic="vote_cast",
        payload={
            "vote_id": vote.pk,
            "item_id": item.pk,
            "item": item.title,
            "account_id": account.pk,
            "account": account.name,
            "rep_id": rep.pk,
            "expected_health_impact": vote.expected_health_impact,
            "created": created,
        },
    )
    priorities_request(cause="vote cast", item_ids=[item.pk])
    return vote, created


@transaction.atomic
def vote_withdraw(*, vote: Vote, actor) -> None:
    """Remove a vote (the rep who cast it, or whoever manages the account now)."""
    if not can_withdraw(actor, vote):
        raise PermissionDenied("You can withdraw only your own votes.")
    item_id, payload = (
        vote.item_id,
        {
            "vote_id": vote.pk,
            "item_id": vote.item_id,
            "account_id": vote.account_id,
            "rep_id": actor.pk,
        },
    )
    vote._history_user = actor
    vote.delete()
    outbox_record(topic="vote_withdrawn", payload=payload)
    priorities_request(cause="vote withdrawn", item_ids=[item_id])


# --- Scoring policy -------------------------------------------------------------------------------


@transaction.atomic
def scoring_policy_update(*, actor=None, **fields) -> ScoringPolicy:
    """Change the scoring weights: a new version in history, and a recompute."""
    ScoringPolicy.current()
    policy = ScoringPolicy.objects.select_for_update().get(pk=ScoringPolicy.SINGLETON_PK)
    changed = False
    for name, value in fields.items():
        if getattr(policy, name) != value:
            setattr(policy, name, value)
            changed = True
    if not changed:
        return policy
    policy.version += 1
    policy.full_clean()
    if actor is not None:
        policy._history_user = actor
    policy.save()
    priorities_request(cause=f"scoring policy v{policy.version}")
    return policy
