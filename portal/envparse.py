"""Strict parsing of environment variables for ``portal/settings.py``.

django-environ reads the raw text (the process environment, then a developer's ``.env``); the
helpers here turn it into a value or raise ``ImproperlyConfigured`` naming the variable, what it
expected and what it got. A variable that is not set takes its default, which is written in Python
and not parsed. Nothing here imports Django settings: the module is loaded while they are built.

The ``parse_*`` functions work on a raw string (easy to test); ``StrictEnv`` reads a variable and
hands it to one of them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})

# The units Django REST framework understands, spelled the ways people write them.
RATE_UNITS = {
    "s": 1,
    "sec": 1,
    "m": 60,
    "min": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([a-z]+)\s*$")


def _fail(name: str, expected: str, raw: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} must be {expected}, not {raw!r}.")


def _bounds(minimum: float | None, maximum: float | None) -> str:
    if minimum is not None and maximum is not None:
        return f" between {minimum:g} and {maximum:g}"
    if minimum is not None:
        return f" ≥ {minimum:g}"
    if maximum is not None:
        return f" ≤ {maximum:g}"
    return ""


def _of(unit: str) -> str:
    return f" of {unit}" if unit else ""


def parse_bool(name: str, raw: str) -> bool:
    """``true/false``, ``1/0``, ``yes/no``, ``on/off`` (any case); empty means false."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise _fail(name, "true or false (or 1/0, yes/no, on/off)", raw)


def parse_int(
    name: str, raw: str, *, minimum: int | None = None, maximum: int | None = None, unit: str = ""
) -> int:
    """A whole number (``_`` allowed as a digit separator) within ``[minimum, maximum]``."""
    expected = f"a whole number{_of(unit)}{_bounds(minimum, maximum)}"
    text = raw.strip()
    if not re.fullmatch(r"[+-]?\d+(_\d+)*", text):
        raise _fail(name, expected, raw)
    value = int(text)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise _fail(name, expected, raw)
    return value


def parse_float(
    name: str,
    raw: str,
    *,
    minimum: float | None = None,
    above: float | None = None,
    unit: str = "",
) -> float:
    """A finite number ≥ ``minimum`` (or strictly > ``above``)."""
    limit = f" > {above:g}" if above is not None else _bounds(minimum, None)
    expected = f"a number{_of(unit)}{limit}"
    try:
        value = float(raw.strip())
    except ValueError:
        raise _fail(name, expected, raw) from None
    if not math.isfinite(value):
        raise _fail(name, expected, raw)
    if (minimum is not None and value < minimum) or (above is not None and value <= above):
        raise _fail(name, expected, raw)
    return value


def parse_rate(name: str, raw: str) -> str:
    """A DRF throttle rate such as ``120/min``; returned normalised (``120/min``)."""
    expected = "a rate like '120/min': a whole number ≥ 1, '/', and one of " + ", ".join(RATE_UNITS)
    match = _RATE.match(raw.lower())
    if not match or match.group(2) not in RATE_UNITS or int(match.group(1)) < 1:
        raise _fail(name, expected, raw)
    return f"{int(match.group(1))}/{match.group(2)}"


def parse_url(name: str, raw: str, *, schemes: Iterable[str], require_host: bool = True) -> str:
    """A URL whose scheme is one of ``schemes`` (and that names a host unless told otherwise)."""
    allowed = tuple(schemes)
    expected = "a URL starting with " + " or ".join(f"{s}://" for s in allowed)
    text = raw.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - a port that is not a number raises ValueError here
    except ValueError:
        raise _fail(name, expected, raw) from None
    if parts.scheme.lower() not in allowed or "://" not in text:
        raise _fail(name, expected, raw)
    if require_host and not parts.hostname:
        raise _fail(name, expected + " and naming a host", raw)
    return text


def parse_list(
    name: str, raw: str, *, item: Callable[[str, str], T] | None = None
) -> list[T] | list[str]:
    """Comma-separated values, each stripped, empty ones dropped; ``item`` checks each value."""
    values = [part.strip() for part in raw.split(",") if part.strip()]
    if item is None:
        return values
    return [item(f"each item of {name}", value) for value in values]


def parse_choice(name: str, raw: str, *, choices: Iterable[str], upper: bool = False) -> str:
    """One of ``choices`` (compared in upper case if ``upper``)."""
    allowed = tuple(choices)
    value = raw.strip().upper() if upper else raw.strip()
    if value not in allowed:
        raise _fail(name, "one of " + ", ".join(allowed), raw)
    return value


def parse_nonempty(name: str, raw: str) -> str:
    if not raw.strip():
        raise _fail(name, "a non-empty text", raw)
    return raw.strip()


class StrictEnv:
    """Reads variables through django-environ and parses them with the helpers above."""

    def __init__(self, env: environ.Env | None = None):
        self.env = env if env is not None else environ.Env()

    def raw(self, name: str) -> str | None:
        """The variable's text ("" when set but empty), or None when it is not set."""
        if name not in self.env.ENVIRON:
            return None
        return self.env.str(name)

    def _get(self, name: str, default: Any, parse: Callable[[str, str], Any]) -> Any:
        raw = self.raw(name)
        return default if raw is None else parse(name, raw)

    def str(self, name: str, *, default: str, nonempty: bool = False) -> str:
        return self._get(name, default, parse_nonempty if nonempty else lambda _n, raw: raw)

    def bool(self, name: str, *, default: bool) -> bool:
        return self._get(name, default, parse_bool)

    def int(
        self,
        name: str,
        *,
        default: int,
        minimum: int | None = None,
        maximum: int | None = None,
        unit: str = "",
    ) -> int:
        return self._get(
            name,
            default,
            lambda n, raw: parse_int(n, raw, minimum=minimum, maximum=maximum, unit=unit),
        )

    def float(
        self,
        name: str,
        *,
        default: float,
        minimum: float | None = None,
        above: float | None = None,
        unit: str = "",
    ) -> float:
        return self._get(
            name,
            default,
            lambda n, raw: parse_float(n, raw, minimum=minimum, above=above, unit=unit),
        )

    def rate(self, name: str, *, default: str) -> str:
        return self._get(name, default, parse_rate)

    def url(
        self,
        name: str,
        *,
        default: str,
        schemes: Iterable[str],
        require_host: bool = True,
        blank: bool = False,
    ) -> str:
        """A URL; with ``blank`` an empty value is allowed (and means "not configured")."""

        def parse(n: str, raw: str) -> str:
            if blank and not raw.strip():
                return ""
            return parse_url(n, raw, schemes=schemes, require_host=require_host)

        return self._get(name, default, parse)

    def list(
        self, name: str, *, default: list, item: Callable[[str, str], Any] | None = None
    ) -> list:
        return self._get(name, default, lambda n, raw: parse_list(n, raw, item=item))

    def choice(
        self, name: str, *, default: str, choices: Iterable[str], upper: bool = False
    ) -> str:
        return self._get(
            name, default, lambda n, raw: parse_choice(n, raw, choices=choices, upper=upper)
        )

    def path(self, name: str, *, default: Path) -> Path:
        return self._get(name, default, lambda n, raw: Path(parse_nonempty(n, raw)))

    def db(self, name: str, *, default: str, schemes: Iterable[str]) -> dict:
        """A database URL checked for its scheme, then expanded by django-environ."""
        url = self.url(name, default=default, schemes=schemes, require_host=False)
        return self.env.db_url_config(url)

    def email_url(self, name: str, *, default: str, schemes: Iterable[str]) -> dict:
        """An email URL checked for its scheme, then expanded by django-environ."""
        url = self.url(name, default=default, schemes=schemes, require_host=False)
        return self.env.email_url_config(url)
