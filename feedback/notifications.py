"""Close the loop: tell everyone behind a shipped ticket, exactly once per person and ticket.

The unique ``ShipNotification`` row is written in the same transaction as the send: a failed send
rolls it back (the next run tries again) and a concurrent run waits on the row, then skips it.
"""

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from .choices import TicketStatus
from .models import FeedbackTicket, ShipNotification

logger = logging.getLogger(__name__)


class DeliveryIncomplete(OSError):
    """Some emails could not be sent; the task retries (the sent ones are not sent again)."""


def _recipients(ticket: FeedbackTicket) -> dict:
    """Person → the customers they brought to this ticket (the submitter and every joining rep)."""
    people: dict = defaultdict(list)
    people[ticket.submitter].append(ticket.account.name)
    for link in ticket.ticket_accounts.all():
        if link.account.name not in people[link.added_by]:
            people[link.added_by].append(link.account.name)
    return people


def _message(ticket: FeedbackTicket, customers: list[str]) -> tuple[str, str]:
    item = ticket.roadmap_item
    what = item.title if item is not None else ticket.title
    names = ", ".join(customers)
    subject = f"Shipped: {what} (asked for by {names})"
    body = (
        f"Good news for {names}: {what} has shipped.\n\n"
        f"Your feedback #{ticket.pk} “{ticket.title}” is now marked shipped. "
        f"Let the customer know and close the loop:\n"
        f"{settings.PORTAL_BASE_URL}{ticket.get_absolute_url()}\n"
    )
    if item is not None:
        body += f"\nRoadmap item #{item.pk}: {item.title}\n"
    return subject, body


def shipped_notifications_send(*, ticket_ids: list[int]) -> int:
    """Send the emails not yet sent for these shipped tickets; returns how many went out."""
    tickets = (
        FeedbackTicket.objects.filter(
            pk__in=ticket_ids, status__in=[TicketStatus.SHIPPED, TicketStatus.CLOSED]
        )
        .select_related("account", "submitter", "roadmap_item")
        .prefetch_related("ticket_accounts__account", "ticket_accounts__added_by")
    )
    sent = failed = 0
    for ticket in tickets:
        done = set(ticket.ship_notifications.values_list("recipient_id", flat=True))
        for person, customers in _recipients(ticket).items():
            if person.pk in done or not person.email:
                continue
            try:
                with transaction.atomic():
                    ShipNotification.objects.create(
                        ticket=ticket, recipient=person, email=person.email
                    )
                    subject, body = _message(ticket, customers)
                    send_mail(subject, body, None, [person.email])
            except IntegrityError:
                continue
            except OSError:
                logger.exception("shipped email for ticket %s to %s not sent", ticket.pk, person)
                failed += 1
                continue
            sent += 1
    if failed:
        raise DeliveryIncomplete(f"{failed} close-the-loop emails not sent ({sent} sent)")
    return sent
