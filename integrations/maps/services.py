"""Use cases that change integration maps: ticking, verifying and un-ticking criteria, and the
portal-side settings of a map (cycle start, owner teams, KPI measurements).

Every function is atomic, locks the row it changes and writes the history entry with the actor
and a reason, so the point page can show who did what and why.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrations.models import (
    AcceptanceCriterion,
    IntegrationMap,
    IntegrationPoint,
    KpiMeasurement,
    KpiTarget,
    PendingMapImport,
)

from . import permissions
from .importer import ImportReport, map_import
from .parser import decode


def _locked(criterion: AcceptanceCriterion) -> AcceptanceCriterion:
    return AcceptanceCriterion.objects.select_for_update().get(pk=criterion.pk)


def _refuse_if(refusal: str) -> None:
    """The criterion's state rules live in ``permissions``; a refusal is a validation error."""
    if refusal:
        raise ValidationError(refusal)


def _save(obj, *, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason[:100]
    obj.full_clean()
    obj.save()


@transaction.atomic
def criterion_tick(
    *, criterion: AcceptanceCriterion, actor, evidence_note: str = "", evidence_url: str = ""
) -> AcceptanceCriterion:
    """Mark a criterion done by ``actor`` now, with an evidence note or link (one is required)."""
    evidence_note, evidence_url = evidence_note.strip(), evidence_url.strip()
    if not (evidence_note or evidence_url):
        raise ValidationError(
            {"evidence_note": "Add an evidence note or a link that shows the criterion is met."}
        )
    criterion = _locked(criterion)
    _refuse_if(permissions.tick_refusal(actor, criterion))
    criterion.done_at, criterion.done_by = timezone.now(), actor
    criterion.evidence_note, criterion.evidence_url = evidence_note, evidence_url
    criterion.untick_reason = ""
    _save(criterion, actor=actor, reason="Ticked")
    return criterion


@transaction.atomic
def criterion_verify(*, criterion: AcceptanceCriterion, actor) -> AcceptanceCriterion:
    """Confirm another admin's tick. The admin who ticked it cannot verify it."""
    criterion = _locked(criterion)
    _refuse_if(permissions.verify_refusal(actor, criterion))
    criterion.verified_at, criterion.verified_by = timezone.now(), actor
    _save(criterion, actor=actor, reason="Verified")
    return criterion


@transaction.atomic
def criterion_untick(*, criterion: AcceptanceCriterion, actor, reason: str) -> AcceptanceCriterion:
    """Undo a tick (and its verification); the reason is kept in the history."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the criterion is no longer met."})
    criterion = _locked(criterion)
    _refuse_if(permissions.untick_refusal(actor, criterion))
    criterion.done_at = criterion.done_by = None
    criterion.verified_at = criterion.verified_by = None
    criterion.untick_reason = reason
    _save(criterion, actor=actor, reason=f"Unticked: {reason}")
    return criterion


@transaction.atomic
def map_set_cycle_start(
    *, imap: IntegrationMap, actor, cycle_start: datetime.date | None
) -> IntegrationMap:
    imap = IntegrationMap.objects.select_for_update().get(pk=imap.pk)
    imap.cycle_start = cycle_start
    imap.full_clean()
    imap._history_user = actor
    imap._change_reason = f"Cycle start set to {cycle_start or '—'}"
    imap.save(update_fields=["cycle_start", "updated_at"])
    return imap


@transaction.atomic
def point_set_owner_team(*, point: IntegrationPoint, actor, owner_team: str) -> IntegrationPoint:
    point = IntegrationPoint.objects.select_for_update().get(pk=point.pk)
    point.owner_team = owner_team.strip()
    _save(point, actor=actor, reason=f"Owner team set to {point.owner_team or '—'}")
    return point


@transaction.atomic
def kpi_record(*, kpi: KpiTarget, actor, measured_value: Decimal | None) -> KpiTarget:
    kpi = KpiTarget.objects.select_for_update().get(pk=kpi.pk)
    kpi.measured_value = measured_value
    kpi.measured_at = timezone.now() if measured_value is not None else None
    kpi.measured_by = actor if measured_value is not None else None
    kpi.full_clean()
    kpi._history_user = actor
    kpi._change_reason = (
        f"Measured {kpi.measured_label}" if measured_value is not None else "Measurement cleared"
    )
    kpi.save()
    if measured_value is not None:
        # The KPI page charts every recorded value, not only the last one.
        KpiMeasurement.objects.create(
            kpi=kpi, value=measured_value, measured_at=kpi.measured_at, measured_by=actor
        )
    return kpi


@transaction.atomic
def map_import_preview(
    *, actor, data: bytes, source_name: str, target=None, cycle_start=None
) -> PendingMapImport:
    """Keep an uploaded document with the dry-run report of importing it; nothing else changes.

    Raises ``MapParseError`` when the document cannot be read (nothing is kept then).
    """
    report = map_import(
        data=data,
        source_name=source_name,
        actor=actor,
        target=target,
        cycle_start=cycle_start,
        dry_run=True,
    )
    pending = PendingMapImport(
        uploaded_by=actor,
        target_map=target,
        source_name=source_name[:255],
        text=decode(data),
        cycle_start=cycle_start,
        report=report.as_dict(),
    )
    pending.full_clean()
    pending.save()
    return pending


@transaction.atomic
def map_import_apply(*, pending: PendingMapImport, actor) -> tuple[IntegrationMap, ImportReport]:
    """Import a previewed document for real; the report is recomputed against today's data."""
    pending = PendingMapImport.objects.select_for_update().get(pk=pending.pk)
    if pending.applied_at is not None:
        raise ValidationError("This upload was already imported.")
    report = map_import(
        data=pending.text,
        source_name=pending.source_name,
        actor=actor,
        target=pending.target_map,
        cycle_start=pending.cycle_start,
    )
    pending.applied_at = timezone.now()
    pending.applied_map_id = report.map_id
    pending.report = report.as_dict()
    pending.save(update_fields=["applied_at", "applied_map", "report"])
    return IntegrationMap.objects.get(pk=report.map_id), report


@transaction.atomic
def map_delete(*, imap: IntegrationMap, actor) -> None:
    """Delete a map with its structure and progress (the admin's delete; a re-import archives)."""
    imap = IntegrationMap.objects.select_for_update().get(pk=imap.pk)
    imap._history_user = actor
    imap.delete()
