"""Adoption settings are parsed strictly: a bad value stops the start with the variable's name."""

import pytest

from tests.portal.test_settings import run_manage

BASE = {"DEBUG": "true", "SECRET_KEY": "x" * 60}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("ADOPTION_BARRIER_DAYS", "two weeks", "a whole number from 1 to 365"),
        ("ADOPTION_BARRIER_DAYS", "0", "a whole number from 1 to 365"),
        ("ADOPTION_MIN_SAMPLE", "2.5", "a whole number from 1 to 10000"),
        ("ADOPTION_LAGGING_RATIO", "1.5", "a number from 0.01 to 0.99"),
        ("ADOPTION_DROPOFF_THRESHOLD", "25%", "a number from 0.0 to 1.0"),
        ("ADOPTION_INSIGHT_REQUESTER_THRESHOLD", "0", "a number from 0.01 to 1.0"),
    ],
)
def test_bad_values_name_the_variable(name, value, expected):
    result = run_manage("check", env={**BASE, name: value})
    assert result.returncode != 0
    assert f"{name} must be {expected}, not {value!r}." in result.stderr


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
