"""Demo data for integration maps (idempotent): the two seed documents, a cycle start a few
weeks back (so the timeline shows an overdue phase) and some ticked and verified criteria."""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from integrations.models import AcceptanceCriterion, IntegrationMap

from .importer import map_import
from .services import criterion_tick, criterion_verify, map_set_cycle_start

SEEDS = Path(__file__).resolve().parent / "seeds"
DOCUMENTS = ["developer-product-integration-map.md", "product-systems-integration-map.md"]


def _admins():
    User = get_user_model()
    admins = list(User.objects.filter(groups__name="portal_admin").order_by("pk")[:2])
    return admins + [None] * (2 - len(admins))


def seed(*, scale: int = 1, stdout=None) -> dict:
    ticker, verifier = _admins()
    start = timezone.localdate() - datetime.timedelta(weeks=3)
    start -= datetime.timedelta(days=start.weekday())  # a Monday
    maps = []
    for name in DOCUMENTS:
        report = map_import(data=(SEEDS / name).read_bytes(), source_name=name, actor=ticker)
        maps.append(report.map_id)
    first = IntegrationMap.objects.get(pk=maps[0])
    if first.cycle_start is None:
        map_set_cycle_start(imap=first, actor=ticker, cycle_start=start)
    ticked = 0
    if ticker is not None:
        todo = AcceptanceCriterion.objects.filter(
            point__map=first, point__phase__number__in=[1, 2], done_at__isnull=True
        ).order_by("point__position", "position")
        already = AcceptanceCriterion.objects.filter(point__map=first, done_at__isnull=False)
        for criterion in todo[: max(0, 9 - already.count())]:
            criterion_tick(
                criterion=criterion, actor=ticker, evidence_note="Reviewed in the weekly sync"
            )
            ticked += 1
        if verifier is not None:
            verified = AcceptanceCriterion.objects.filter(
                point__map=first, verified_at__isnull=False
            )
            for criterion in AcceptanceCriterion.objects.filter(
                point__map=first, done_by=ticker, verified_at__isnull=True
            ).order_by("point__position", "position")[: max(0, 4 - verified.count())]:
                criterion_verify(criterion=criterion, actor=verifier)
    if stdout is not None:
        stdout.write(f"Integration maps: {len(maps)} imported, {ticked} criteria ticked")
    return {"integration_maps": len(maps)}
