"""The HTTP transport every connector client builds on: timeouts on every call, retries on
connection errors, 429 and 5xx honouring ``Retry-After``, and errors that say whether retrying
could ever help (``permanent``).

Every call goes through the outbound rules of ``portal.netguard``: the URL's form is checked
before each attempt, the resolved address on the socket, redirects are never followed (a 3xx is
a permanent error: a hop could lead anywhere), and an error says only the HTTP status, never the
remote body (which a hostile endpoint could fill with whatever it likes, or with our own
secrets echoed back)."""

import json
import logging
import random
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.utils import timezone

from portal.netguard import BlockedDestination, check_url, guarded_session

logger = logging.getLogger(__name__)


class TransportError(Exception):
    """A call to an external tool failed. ``permanent`` errors (bad credentials, a 4xx, malformed
    answers) will fail the same way again; the others may succeed later."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.status = status
        self.retry_after: str | None = None


RETRY_STATUSES = {429, 500, 502, 503, 504}


def pause(seconds: float) -> None:
    """Wait between attempts (module-level so tests can record the waits instead of waiting)."""
    time.sleep(seconds)


AUTH_STATUSES = {401, 403}


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - timezone.now()).total_seconds())


class Transport:
    """A small requests-based client. Subclasses add auth headers and the tool's endpoints."""

    name = "HTTP"

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | None = None,
        max_attempts: int | None = None,
        sleep: Callable[[float], None] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout if timeout is not None else settings.CONNECTOR_HTTP_TIMEOUT
        self.max_attempts = max_attempts or settings.CONNECTOR_HTTP_MAX_ATTEMPTS
        self.max_wait = settings.CONNECTOR_HTTP_MAX_RETRY_WAIT
        self.sleep = sleep or (lambda seconds: pause(seconds))
        self.session = guarded_session()

    def headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """Send with retries; returns a 2xx response or raises :class:`TransportError`."""
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        url = self.url(path)
        last: TransportError | None = None
        kwargs["allow_redirects"] = False
        for attempt in range(1, self.max_attempts + 1):
            try:
                check_url(url)
                response = self.session.request(
                    method, url, headers=headers, timeout=self.timeout, **kwargs
                )
            except BlockedDestination as exc:
                raise TransportError(f"{self.name}: {exc}", permanent=True) from None
            except requests.Timeout:
                last = TransportError(f"{self.name} did not answer within {self.timeout:g} s.")
                wait = self.backoff(attempt)
            except requests.ConnectionError:
                last = TransportError(f"Could not connect to {self.name}.")
                wait = self.backoff(attempt)
            else:
                if response.status_code < 300:
                    return response
                if response.status_code < 400:
                    raise TransportError(
                        f"{self.name} answered with a redirect (HTTP {response.status_code}); "
                        "redirects are not followed: set the final URL.",
                        permanent=True,
                        status=response.status_code,
                    )
                last = self.error_for(response)
                last.retry_after = response.headers.get("Retry-After")
                if last.permanent:
                    raise last
                hinted = retry_after_seconds(response.headers.get("Retry-After"))
                wait = hinted if hinted is not None else self.backoff(attempt)
            if attempt < self.max_attempts:
                wait = min(wait, self.max_wait)
                logger.info("%s %s: %s; retrying in %.1f s", method, url, last, wait)
                self.sleep(wait)
        assert last is not None
        raise last

    def backoff(self, attempt: int) -> float:
        base = settings.CONNECTOR_HTTP_BACKOFF
        return base * (2 ** (attempt - 1)) * (0.5 + random.random() / 2)

    def error_for(self, response: requests.Response) -> TransportError:
        status = response.status_code
        if status in AUTH_STATUSES:
            return TransportError(
                f"{self.name} refused the credentials (HTTP {status}). "
                "Check the credential variable of this connection.",
                permanent=True,
                status=status,
            )
        if status == 429:
            return TransportError(f"{self.name} rate limit hit (HTTP 429).", status=status)
        if status in RETRY_STATUSES:
            return TransportError(f"{self.name} server error (HTTP {status}).", status=status)
        return TransportError(
            f"{self.name} rejected the request (HTTP {status}).",
            permanent=True,
            status=status,
        )

    def json(self, method: str, path: str, **kwargs) -> dict:
        response = self.request(method, path, **kwargs)
        try:
            data = response.json()
        except (ValueError, json.JSONDecodeError) as exc:
            raise TransportError(
                f"{self.name} answered with malformed JSON (HTTP {response.status_code}).",
                permanent=True,
            ) from exc
        if not isinstance(data, dict):
            raise TransportError(f"{self.name} answered with an unexpected shape.", permanent=True)
        return data
