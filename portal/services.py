"""Use cases that change portal data (customer accounts). Connectors and pages call these; none
re-implement them.

Changing an account's tier, ARR, health or CSM changes the roadmap's demand scores. The portal
sits below the roadmap (imports point one way: portal ← roadmap ← …), so these services do not
ask for the recompute themselves: they return the names of the fields that changed, and the caller
asks ``roadmap.scoring.priorities_request`` when ``changed & SCORE_INPUT_FIELDS`` (as the CRM sync
does), or listens to ``account_edited``, which ``account_save`` sends on a hand edit (as the
roadmap does).
"""

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from .models import Account

# The account fields the roadmap's demand score reads.
SCORE_INPUT_FIELDS = frozenset({"tier", "arr", "health_score", "csm_owner"})
# Sent by ``account_save`` in its transaction with ``account`` and ``changed`` (field names).
account_edited = Signal()


def _field_name(key: str) -> str:
    """``csm_owner_id`` and ``csm_owner`` both name the ``csm_owner`` field."""
    for field in Account._meta.concrete_fields:
        if key in (field.name, field.attname):
            return field.name
    raise TypeError(f"Account has no field {key!r}")


def _apply(account: Account, fields: dict) -> set[str]:
    """Set ``fields`` on ``account``; returns the names of the fields whose value differs."""
    changed: set[str] = set()
    for key, value in fields.items():
        field = Account._meta.get_field(_field_name(key))
        if field.is_relation:
            new = value.pk if isinstance(value, models.Model) else value
        else:
            new = field.to_python(value)
        if getattr(account, field.attname) != new:
            setattr(account, field.attname, new)
            changed.add(field.name)
    return changed


@transaction.atomic
def account_save(*, actor, account: Account | None = None, **fields) -> tuple[Account, set[str]]:
    """Create an account (``account`` None) or change one by hand (the admin's form) from
    ``fields``. Validated and recorded in the history by ``actor``; ``account_edited`` is sent with
    the names of the fields that changed, so the roadmap re-scores when a demand input did.
    Returns ``(account, changed_fields)``; nothing is written when no value differs."""
    created = account is None
    account = Account() if created else Account.objects.select_for_update().get(pk=account.pk)
    changed = _apply(account, fields)
    if not created and not changed:
        return account, set()
    account.full_clean()
    account._history_user = actor
    account.save()
    account_edited.send(sender=Account, account=account, changed=changed)
    return account, changed


@transaction.atomic
def account_upsert(*, crm_id: str, actor=None, **fields) -> tuple[Account, bool, set[str]]:
    """Create or update the account with ``crm_id`` from ``fields`` (model field names, or
    ``<fk>_id`` for foreign keys). Returns ``(account, created, changed_fields)``; nothing is
    written when no value differs. Validated (``full_clean``) and recorded in the history (by
    ``actor``, if given)."""
    account = Account.objects.select_for_update().filter(crm_id=crm_id).first()
    created = account is None
    if created:
        account = Account(crm_id=crm_id)
    changed = _apply(account, fields)
    if not created and not changed:
        return account, False, set()
    # The row lock and the unique constraint guard crm_id; field validators cover the check
    # constraints (health 0–100, ARR ≥ 0) without a query per constraint; the database enforces
    # them all the same.
    account.full_clean(validate_unique=False, validate_constraints=False)
    if actor is not None:
        account._history_user = actor
    account.save()
    return account, created, changed


@transaction.atomic
def accounts_flag_missing_from_crm(
    *, seen_crm_ids: Iterable[str] | QuerySet, now: dt.datetime | None = None, actor=None
) -> int:
    """Flag (``crm_missing_since``) every account with a CRM id not in ``seen_crm_ids`` that is not
    flagged yet; accounts are never deleted. Returns how many were flagged (with history)."""
    now = now or timezone.now()
    missing = list(
        Account.objects.select_for_update()
        .filter(crm_id__isnull=False, crm_missing_since__isnull=True)
        .exclude(crm_id__in=seen_crm_ids)
    )
    for account in missing:
        account.crm_missing_since = now
    if missing:
        bulk_update_with_history(missing, Account, ["crm_missing_since"], default_user=actor)
    return len(missing)


@transaction.atomic
def user_sync_from_identity(
    *, user, email: str, username: str, first_name: str, last_name: str, roles: list[str]
):
    """A person signed in with the identity provider: create them (``user=None``) or bring their
    name, e-mail and roles (the portal's role groups named by the group claim) up to date."""
    from django.contrib.auth.models import Group

    from .choices import Role
    from .models import User

    if user is None:
        base = username[:150]
        candidate, n = base, 1
        while User.objects.filter(username=candidate).exists():
            n += 1
            candidate = f"{base[:140]}-{n}"
        user = User(username=candidate)
        user.set_unusable_password()
    user.email = email
    user.first_name = first_name[:150]
    user.last_name = last_name[:150]
    user.save()
    keep = user.groups.exclude(name__in=Role.values)
    user.groups.set([*keep, *Group.objects.filter(name__in=roles)])
    return user
