"""The one object rule for work done on behalf of a customer account.

A CS rep files feedback for an account, adds it to a ticket, votes for it and nominates it for a
beta only when they manage it (they are its CSM owner). A user who holds ``ACT_FOR_ANY`` (an
admin gives it to the service user of an integration that files for every account, say), or the
action's own "any account" permission (a PM nominating any account for a beta), is not bound by
the rule, and the system (``user=None``: demo data, tasks) never is.

A refusal is the ``account`` field's error: a form shows it under its account picker and re-renders
with the user's input; the API answers 400 ``{"account": ["… accounts you manage."]}``.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .models import Account

ACT_FOR_ANY = "portal.act_for_any_account"


def _acts_for_any(user, any_account_perm: str) -> bool:
    return user.has_perm(ACT_FOR_ANY) or (
        bool(any_account_perm) and user.has_perm(any_account_perm)
    )


def may_act_for(user, account: Account, *, any_account_perm: str = "") -> bool:
    if user is None:
        return True
    if account.csm_owner_id is not None and account.csm_owner_id == user.pk:
        return True
    return _acts_for_any(user, any_account_perm)


def not_managed_message(account: Account) -> str:
    return (
        f"{account} is not one of your accounts: you act only on behalf of the accounts you manage."
    )


def require_acting_for(user, account: Account, *, any_account_perm: str = "") -> None:
    if not may_act_for(user, account, any_account_perm=any_account_perm):
        raise ValidationError({"account": not_managed_message(account)})


def accounts_acting_for(user, *, any_account_perm: str = "") -> QuerySet:
    """The active accounts ``user`` may act for: what an account picker offers them."""
    accounts = Account.objects.active()
    if _acts_for_any(user, any_account_perm):
        return accounts
    return accounts.managed_by(user)
