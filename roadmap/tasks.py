"""Celery tasks of the roadmap: thin wrappers around the priority engine."""

from celery import shared_task

from . import scoring

# Sub-areas keep their tasks beside their code; importing them here registers them wherever the
# worker autodiscovers ``roadmap.tasks``.
from .launches.tasks import milestone_reminders_daily  # noqa: F401


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def priorities_recompute() -> int:
    """Recompute every score and rank now (nightly from beat, and "recompute now" in the portal).
    Safe to run twice at once: the engine takes a lock, the second run waits and redoes it."""
    scoring.priorities_mark_dirty()
    result = scoring.priorities_recompute_if_dirty()
    if result is None:  # another worker claimed the flag between our two statements
        result = scoring.priorities_recompute()
    return result.items


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=240, time_limit=300)
def priorities_recompute_dirty() -> int:
    """Recompute only if demand changed since the last run: a burst of votes, links or policy
    edits becomes one run (beat every 30 s; straight after the commit with eager Celery)."""
    result = scoring.priorities_recompute_if_dirty()
    return result.items if result else 0
