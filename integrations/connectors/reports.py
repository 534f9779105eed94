"""Reports of records a sync or a webhook skipped, or applied with a value left alone, with the
reason: written in the page's (or the webhook's) transaction, listed on the sync page, kept
bounded per connection."""

from integrations.models import RecordReport

REPORTS_KEPT = 1000


def record_reports_write(*, connection_id: int, run_id: int | None, reports) -> int:
    """Store ``reports`` (``(outcome, external_id, reason)`` tuples) for the connection; keep the
    newest :data:`REPORTS_KEPT`. Returns how many were stored."""
    if not reports:
        return 0
    RecordReport.objects.bulk_create(
        [
            RecordReport(
                connection_id=connection_id,
                run_id=run_id,
                outcome=outcome,
                external_id=str(external_id or "")[:200],
                reason=str(reason)[:500],
            )
            for outcome, external_id, reason in reports
        ]
    )
    newest = RecordReport.objects.filter(connection_id=connection_id).order_by("-id")
    cutoff = newest.values_list("id", flat=True)[REPORTS_KEPT : REPORTS_KEPT + 1].first()
    if cutoff is not None:
        RecordReport.objects.filter(connection_id=connection_id, id__lte=cutoff).delete()
    return len(reports)
