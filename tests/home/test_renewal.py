"""Renewal dates, where known: set through account_upsert (as the CRM sync does), shown on the
account page and on the rep's accounts at risk; unknown says so."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Account
from portal.services import account_upsert


@pytest.mark.django_db
def test_upsert_sets_and_clears_the_renewal_date():
    today = timezone.localdate()
    account, created, changed = account_upsert(
        crm_id="C-1", name="Globex", renewal_on=(today + dt.timedelta(days=30)).isoformat()
    )
    assert created and account.renewal_on == today + dt.timedelta(days=30)
    _, _, changed = account_upsert(crm_id="C-1", renewal_on=today + dt.timedelta(days=30))
    assert changed == set()  # the same date: nothing written
    _, _, changed = account_upsert(crm_id="C-1", renewal_on=None)
    assert changed == {"renewal_on"}
    assert Account.objects.get(crm_id="C-1").renewal_on is None


@pytest.mark.django_db
def test_a_bad_renewal_date_is_a_field_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="invalid date format"):
        account_upsert(crm_id="C-2", name="Initech", renewal_on="next spring")
    assert not Account.objects.filter(crm_id="C-2").exists()


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (None, "renewal unknown"),
        (0, "renews today ({on})"),
        (1, "renews {on} (in 1 day)"),
        (44, "renews {on} (in 44 days)"),
        (-1, "renewal was due {on} (1 day ago)"),
        (-3, "renewal was due {on} (3 days ago)"),
    ],
)
def test_renewal_label(days, label):
    on = None if days is None else timezone.localdate() + dt.timedelta(days=days)
    account = Account(name="A", renewal_on=on)
    assert account.renewal_in_days == days
    assert account.renewal_label == label.format(on=on.isoformat() if on else "")


@pytest.mark.django_db
def test_rep_sees_renewals_of_accounts_at_risk_and_on_the_account_page(client_for, cs_rep):
    soon = timezone.localdate() + dt.timedelta(days=20)
    known = Account.objects.create(
        name="Red Soon", csm_owner=cs_rep, health_score=20, arr=90_000, renewal_on=soon
    )
    Account.objects.create(name="Red Unknown", csm_owner=cs_rep, health_score=25, arr=80_000)
    client = client_for(cs_rep)
    page = client.get(reverse("home")).content.decode()
    assert f"renews {soon.isoformat()} (in 20 days)" in page
    assert page.count("renewal unknown") == 1
    detail = client.get(known.get_absolute_url()).content.decode()
    assert f'<time datetime="{soon.isoformat()}"' in detail and "(in 20 days)" in detail
