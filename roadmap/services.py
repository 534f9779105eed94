"""Use cases that change roadmap data. Views, API views and tasks call these; none re-implement."""

from django.db import transaction
from django.utils import timezone

from portal.outbox import outbox_record

from .choices import ItemStatus
from .models import RoadmapItem


@transaction.atomic
def roadmap_item_create(*, actor=None, **fields) -> RoadmapItem:
    """Create a roadmap item (validated). Used by the roadmap pages and by feedback triage
    ("create a roadmap item from this ticket")."""
    item = RoadmapItem(**fields)
    item.full_clean()
    if actor is not None:
        item._history_user = actor
    item.save()
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
    if status == ItemStatus.SHIPPED:
        outbox_record(
            topic="item_shipped",
            payload={"item_id": item.pk, "title": item.title, "previous_status": previous},
        )
    return item
