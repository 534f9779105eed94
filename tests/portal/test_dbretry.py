"""``retry_on_deadlock``: two transactions that lock two rows in opposite orders deadlock for
real on PostgreSQL; the victim runs again and both finish, each write made once."""

import threading

import pytest
from django.db import OperationalError, connection, transaction

from portal.dbretry import retry_on_deadlock
from portal.models import Account
from tests.factories import AccountFactory
from tests.races import race


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_deadlock_victim_runs_again_and_both_finish():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL detects deadlocks; SQLite serialises writers")
    first, second = AccountFactory(arr=0), AccountFactory(arr=0)
    both_locked_one = threading.Barrier(2)
    calls = []

    def transfer(a, b):
        @retry_on_deadlock()
        def run():
            calls.append(a)
            with transaction.atomic():
                Account.objects.filter(pk=a).update(arr=1)
                if len(calls) <= 2:  # the first try of each: wait until both hold one row
                    both_locked_one.wait(timeout=10)
                Account.objects.filter(pk=b).update(arr=1)
            return "done"

        return run

    results = race([transfer(first.pk, second.pk), transfer(second.pk, first.pk)])
    assert results == ["done", "done"]
    assert len(calls) == 3  # one of the two ran twice
    assert set(Account.objects.values_list("arr", flat=True)) == {1}


@pytest.mark.django_db
def test_inside_an_outer_transaction_the_error_goes_up():
    tried = []

    @retry_on_deadlock()
    def fails():
        tried.append(1)
        error = OperationalError("deadlock detected")
        cause = Exception("deadlock detected")
        cause.sqlstate = "40P01"
        error.__cause__ = cause
        raise error

    with pytest.raises(OperationalError), transaction.atomic():
        fails()
    assert tried == [1]
