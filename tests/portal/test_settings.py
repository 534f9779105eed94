import ast
import importlib
import os
import secrets
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.envparse import (
    StrictEnv,
    parse_bool,
    parse_choice,
    parse_float,
    parse_int,
    parse_list,
    parse_rate,
    parse_url,
)

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # A clean environment, so the developer's .env and the CI variables do not leak in: the .env
    # file is only read for values the environment does not set, so DEBUG is always given here.
    base = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(ROOT)),
        "PYTHONIOENCODING": "utf-8",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )


PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "portal.example.com",
    "DATABASE_URL": "postgres://portal@db.example.com:5432/portal",
    "REDIS_URL": "redis://cache.example.com:6379/0",
}


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "maybe"}, "DEBUG"),
    ],
)
def test_production_settings_refuse_bad_values(override, message):
    result = run_manage("check", env={**PRODUCTION_ENV, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_embedded_default_parses_without_services():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG)"
    )
    result = run_manage("shell", "-c", code, env={"DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["django.db.backends.sqlite3", "True", "True"]


def test_production_settings_use_postgres_and_redis():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER,"
        " s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "redis://cache.example.com:6379/0",
        "False",
        "True",
        "True",
    ]


# --- The strict helpers (portal/envparse.py) --------------------------------------------------


def message(excinfo) -> str:
    return str(excinfo.value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        *[("true", True), ("TRUE", True), ("1", True), (" yes ", True), ("on", True)],
        *[("false", False), ("0", False), ("No", False), ("off", False), ("", False)],
    ],
)
def test_parse_bool_accepts_clear_words(raw, value):
    assert parse_bool("FLAG", raw) is value


@pytest.mark.parametrize("raw", ["maybe", "2", "tru", "y"])
def test_parse_bool_refuses_anything_else(raw):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_bool("FLAG", raw)
    assert message(excinfo) == (
        f"FLAG must be true or false (or 1/0, yes/no, on/off), not {raw!r}."
    )


@pytest.mark.parametrize(("raw", "value"), [("1", 1), (" 42 ", 42), ("5_242_880", 5242880)])
def test_parse_int_accepts_whole_numbers(raw, value):
    assert parse_int("N", raw, minimum=1) == value


@pytest.mark.parametrize("raw", ["abc", "", "1.5", "1e3", "0x10", "12 MB"])
def test_parse_int_refuses_what_is_not_a_whole_number(raw):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_int("UPLOAD_MAX_BYTES", raw, minimum=1, unit="bytes")
    assert message(excinfo) == (
        f"UPLOAD_MAX_BYTES must be a whole number of bytes ≥ 1, not {raw!r}."
    )


def test_parse_int_checks_both_bounds():
    assert parse_int("N", "1", minimum=1, maximum=20) == 1
    assert parse_int("N", "20", minimum=1, maximum=20) == 20
    for raw in ["0", "21", "-3"]:
        with pytest.raises(ImproperlyConfigured) as excinfo:
            parse_int("N", raw, minimum=1, maximum=20)
        assert message(excinfo) == f"N must be a whole number between 1 and 20, not {raw!r}."
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number ≤ 9, not '10'"):
        parse_int("N", "10", maximum=9)


def test_parse_float_minimum_and_strict_lower_bound():
    assert parse_float("BACKOFF", "0", minimum=0) == 0.0
    assert parse_float("BACKOFF", " 2.5 ", minimum=0) == 2.5
    assert parse_float("TIMEOUT", "0.2", above=0) == 0.2
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_float("BACKOFF", "-1", minimum=0, unit="seconds")
    assert message(excinfo) == "BACKOFF must be a number of seconds ≥ 0, not '-1'."
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_float("TIMEOUT", "0", above=0, unit="seconds")
    assert message(excinfo) == "TIMEOUT must be a number of seconds > 0, not '0'."


@pytest.mark.parametrize("raw", ["ten", "", "nan", "inf", "1,5"])
def test_parse_float_refuses_what_is_not_a_finite_number(raw):
    with pytest.raises(ImproperlyConfigured, match=r"^TIMEOUT must be a number"):
        parse_float("TIMEOUT", raw, above=0)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        *[("120/min", "120/min"), ("1/s", "1/s"), ("30/sec", "30/sec"), ("5/m", "5/m")],
        *[("10/h", "10/h"), ("2/hour", "2/hour"), ("1000/d", "1000/d"), (" 7 / DAY ", "7/day")],
    ],
)
def test_parse_rate_accepts_drf_rates(raw, value):
    assert parse_rate("API_THROTTLE_USER", raw) == value


@pytest.mark.parametrize(
    "raw", ["120", "120/", "/min", "0/min", "-1/min", "1.5/min", "120/minute", "120/fortnight"]
)
def test_parse_rate_refuses_bad_number_or_unit(raw):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_rate("API_THROTTLE_USER", raw)
    assert message(excinfo) == (
        "API_THROTTLE_USER must be a rate like '120/min': a whole number ≥ 1, '/', and one of"
        f" s, sec, m, min, h, hour, d, day, not {raw!r}."
    )


def test_parse_url_checks_scheme_and_host():
    web = ("http", "https")
    assert parse_url("BASE", "https://portal.example.com/", schemes=web) == (
        "https://portal.example.com/"
    )
    assert parse_url("DB", "sqlite:///tmp/x.db", schemes=["sqlite"], require_host=False)
    for raw in ["portal.example.com", "ftp://portal.example.com", "localhost:8000", ""]:
        with pytest.raises(ImproperlyConfigured) as excinfo:
            parse_url("BASE", raw, schemes=web)
        assert message(excinfo) == (
            f"BASE must be a URL starting with http:// or https://, not {raw!r}."
        )
    with pytest.raises(ImproperlyConfigured, match="and naming a host, not 'https:///x'"):
        parse_url("BASE", "https:///x", schemes=web)
    with pytest.raises(ImproperlyConfigured, match=r"^BASE must be a URL"):
        parse_url("BASE", "http://host:port/", schemes=web)


def test_parse_list_strips_and_checks_each_item():
    assert parse_list("HOSTS", " a.example.com, b.example.com ,,") == [
        "a.example.com",
        "b.example.com",
    ]
    assert parse_list("HOSTS", "") == []

    def item(name, raw):
        return parse_url(name, raw, schemes=["https"])

    assert parse_list("ORIGINS", "https://a.example.com", item=item) == ["https://a.example.com"]
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_list("ORIGINS", "https://a.example.com, b.example.com", item=item)
    assert message(excinfo) == (
        "each item of ORIGINS must be a URL starting with https://, not 'b.example.com'."
    )


def test_parse_choice():
    levels = ("DEBUG", "INFO")
    assert parse_choice("LOG_LEVEL", "info", choices=levels, upper=True) == "INFO"
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_choice("LOG_LEVEL", "loud", choices=levels, upper=True)
    assert message(excinfo) == "LOG_LEVEL must be one of DEBUG, INFO, not 'loud'."


def test_strict_env_reads_through_django_environ(monkeypatch):
    env = StrictEnv(environ.Env())
    monkeypatch.delenv("PORTAL_TEST_VALUE", raising=False)
    # Unset: the Python default, not parsed.
    assert env.int("PORTAL_TEST_VALUE", default=7, minimum=1) == 7
    assert env.rate("PORTAL_TEST_VALUE", default="1/s") == "1/s"
    assert env.url("PORTAL_TEST_VALUE", default="", schemes=["redis"], blank=True) == ""
    monkeypatch.setenv("PORTAL_TEST_VALUE", "12")
    assert env.int("PORTAL_TEST_VALUE", default=7, minimum=1) == 12
    assert env.float("PORTAL_TEST_VALUE", default=1.0, minimum=0) == 12.0
    monkeypatch.setenv("PORTAL_TEST_VALUE", "")
    assert env.url("PORTAL_TEST_VALUE", default="x", schemes=["redis"], blank=True) == ""
    assert env.bool("PORTAL_TEST_VALUE", default=True) is False
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_VALUE must be a whole number"):
        env.int("PORTAL_TEST_VALUE", default=7)
    monkeypatch.setenv("PORTAL_TEST_VALUE", "mysql://db/x")
    with pytest.raises(ImproperlyConfigured, match="PORTAL_TEST_VALUE must be a URL starting"):
        env.db("PORTAL_TEST_VALUE", default="sqlite:///x", schemes=["postgres", "sqlite"])
    monkeypatch.setenv("PORTAL_TEST_VALUE", "postgres://u@db.example.com:5432/portal")
    config = env.db("PORTAL_TEST_VALUE", default="sqlite:///x", schemes=["postgres"])
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "db.example.com"


# --- Real variables: a bad value stops start-up and names the variable ------------------------


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"UPLOAD_MAX_BYTES": "abc"},
            "UPLOAD_MAX_BYTES must be a whole number of bytes ≥ 1, not 'abc'.",
        ),
        ({"UPLOAD_MAX_BYTES": "0"}, "UPLOAD_MAX_BYTES must be a whole number of bytes ≥ 1"),
        ({"API_THROTTLE_FEEDBACK_SUBMIT": "120/fortnight"}, "API_THROTTLE_FEEDBACK_SUBMIT must"),
        ({"API_THROTTLE_ANON": "lots"}, "API_THROTTLE_ANON must be a rate like '120/min'"),
        ({"CONNECTOR_HTTP_TIMEOUT": "0"}, "CONNECTOR_HTTP_TIMEOUT must be a number of seconds > 0"),
        ({"CONNECTOR_DELIVERY_BACKOFF": "soon"}, "CONNECTOR_DELIVERY_BACKOFF must be a number"),
        ({"CELERY_VISIBILITY_TIMEOUT": "-1"}, "CELERY_VISIBILITY_TIMEOUT must be a whole number"),
        ({"PORTAL_BASE_URL": "portal.example.com"}, "PORTAL_BASE_URL must be a URL starting"),
        ({"REDIS_URL": "http://cache:6379/0"}, "REDIS_URL must be a URL starting with redis://"),
        ({"DATABASE_URL": "mysql://db/portal"}, "DATABASE_URL must be a URL starting"),
        ({"EMAIL_URL": "mail.example.com"}, "EMAIL_URL must be a URL starting with smtp://"),
        ({"CSRF_TRUSTED_ORIGINS": "portal.example.com"}, "each item of CSRF_TRUSTED_ORIGINS"),
        ({"SECURE_SSL_REDIRECT": "sometimes"}, "SECURE_SSL_REDIRECT must be true or false"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be one of DEBUG, INFO, WARNING"),
    ],
)
def test_bad_values_name_the_variable(override, message):
    result = run_manage("check", env={**PRODUCTION_ENV, **override})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_documented_spellings_still_parse():
    env = {
        **PRODUCTION_ENV,
        "API_THROTTLE_USER": "100/hour",
        "CONNECTOR_HTTP_BACKOFF": "0",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "EMAIL_URL": "smtp+tls://user:pass@smtp.example.com:587",
        "CSRF_TRUSTED_ORIGINS": "https://portal.example.com,https://cs.example.com",
        "LOG_LEVEL": "debug",
    }
    code = (
        "from django.conf import settings as s;"
        "print(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['user'], s.CONNECTOR_HTTP_BACKOFF,"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.EMAIL_PORT, s.EMAIL_USE_TLS,"
        " len(s.CSRF_TRUSTED_ORIGINS), s.LOGGING['root']['level'])"
    )
    result = run_manage("shell", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "100/hour",
        "0.0",
        "3",
        "587",
        "True",
        "2",
        "DEBUG",
    ]


# --- The module is written top-down --------------------------------------------------------


def test_each_setting_is_written_once():
    """No setting is assigned twice or patched after the fact (`X[...] =`, `X.update(...)`)."""
    tree = ast.parse((ROOT / "portal" / "settings.py").read_text())
    assigned: list[str] = []
    patched: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper():
                    assigned.append(target.id)
                if isinstance(target, ast.Subscript):
                    base = target.value
                    while isinstance(base, ast.Subscript):
                        base = base.value
                    if isinstance(base, ast.Name) and base.id.isupper():
                        patched.append(ast.unparse(target))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            while isinstance(owner, ast.Call | ast.Attribute | ast.Subscript):
                owner = owner.func if isinstance(owner, ast.Call) else owner.value
            if isinstance(owner, ast.Name) and owner.id.isupper() and owner.id != "BASE_DIR":
                patched.append(ast.unparse(node))
    assert sorted({n for n in assigned if assigned.count(n) > 1}) == []
    assert patched == []


def test_beat_entries_name_registered_tasks_and_expire():
    from portal.celery import app

    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
        assert entry["options"]["expires"] > 0, name


def test_enum_name_overrides_point_at_real_choices():
    for enum_name, dotted in settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"].items():
        module, _, attr = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), attr), enum_name
