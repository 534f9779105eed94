"""The daily reminder: owners of milestones due tomorrow (or today) or late get one email per
milestone and day; the unique ``MilestoneReminder`` row makes a second run send nothing."""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from roadmap.models import Milestone, MilestoneReminder

logger = logging.getLogger(__name__)


def _kind(milestone: Milestone, today: dt.date) -> str:
    if milestone.due_date < today:
        return "late"
    return "due_today" if milestone.due_date == today else "due_tomorrow"


def _message(milestone: Milestone, kind: str, today: dt.date) -> tuple[str, str]:
    plan = milestone.plan
    when = {
        "late": f"was due on {milestone.due_date:%Y-%m-%d} "
        f"({(today - milestone.due_date).days} days late)",
        "due_today": "is due today",
        "due_tomorrow": f"is due tomorrow, {milestone.due_date:%Y-%m-%d}",
    }[kind]
    subject = f"[Launch] {milestone.name} for {plan.item} {when.split(' (')[0]}"
    critical = (
        " It is a critical milestone: a late one blocks the launch." if milestone.critical else ""
    )
    body = (
        f"{milestone.name} of the launch of {plan.item} {when}.{critical}\n\n"
        f"Tick it when done, or move it: {settings.PORTAL_BASE_URL}{plan.get_absolute_url()}\n"
    )
    return subject, body


def milestone_reminders_send(*, today: dt.date | None = None) -> int:
    """Send the day's reminders; returns how many emails went out."""
    today = today or timezone.localdate()
    due = (
        Milestone.objects.filter(done_at__isnull=True, due_date__lte=today + dt.timedelta(days=1))
        .exclude(owner__isnull=True)
        .exclude(owner__email="")
        .exclude(reminders__sent_on=today)
        .select_related("owner", "plan__item")
    )
    sent = 0
    for milestone in due:
        kind = _kind(milestone, today)
        try:
            with transaction.atomic():
                MilestoneReminder.objects.create(
                    milestone=milestone, sent_on=today, recipient=milestone.owner.email, kind=kind
                )
                subject, body = _message(milestone, kind, today)
                # Inside the transaction: a failed send rolls the record back, so the next run
                # tries again; a concurrent run waits on the unique row and then skips it.
                send_mail(subject, body, None, [milestone.owner.email])
        except IntegrityError:
            continue
        except OSError:
            logger.exception("reminder for milestone %s not sent", milestone.pk)
            continue
        sent += 1
    return sent
