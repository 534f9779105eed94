"""Adoption settings are parsed strictly: a bad value stops the start with the variable's name."""

import pytest

from tests.portal.test_settings import run_manage

BASE = {"DEBUG": "true", "SECRET_KEY": "x" * 60}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ADOPTION_BARRIER_DAYS", "two weeks", "a whole number of days between 1 and 365"),
        ("ADOPTION_BARRIER_DAYS", "0", "a whole number of days between 1 and 365"),
        ("ADOPTION_MIN_SAMPLE", "2.5", "a whole number of accounts ≥ 1"),
        ("ADOPTION_LAGGING_RATIO", "0", "a number > 0"),
        ("ADOPTION_DROPOFF_THRESHOLD", "25%", "a number ≥ 0"),
        ("ADOPTION_INSIGHT_REQUESTER_THRESHOLD", "-1", "a number > 0"),
    ],
)
def test_bad_values_name_the_variable(name, value, expected):
    result = run_manage("check", env={**BASE, name: value})
    assert result.returncode != 0
    assert f"{name} must be {expected}, not {value!r}." in result.stderr


def test_a_share_above_one_is_refused():
    result = run_manage("check", env={**BASE, "ADOPTION_LAGGING_RATIO": "1.5"})
    assert "ADOPTION_LAGGING_RATIO must be a number > 0 and ≤ 1, not 1.5." in result.stderr


def test_good_values_are_taken():
    env = {**BASE, "ADOPTION_BARRIER_DAYS": "21", "ADOPTION_LAGGING_RATIO": "0.4"}
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.ADOPTION_BARRIER_DAYS, s.ADOPTION_LAGGING_RATIO, s.ADOPTION_MIN_SAMPLE)",
        env=env,
    )
    assert result.stdout.split()[-3:] == ["21", "0.4", "5"], result.stderr
