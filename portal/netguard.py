"""Outbound URL rules: where the portal may send a request on someone's behalf (connectors,
webhooks, Slack). A known hole class in feedback tools' webhooks is server-side request forgery:
an admin (or a stolen admin session) points a URL at ``169.254.169.254`` or a service on
loopback and reads the answer back. So:

- the URL is checked when it is saved (:func:`url_problem`): http(s) only, https when
  ``OUTBOUND_REQUIRE_HTTPS`` is on (production), no user:password in the URL, no literal
  loopback / link-local / private address and no ``localhost`` name;
- and again at send time, after DNS resolution, on the socket itself (:func:`guarded_session`):
  every address the name resolves to must be public, and the connection goes to the checked
  address (a name that re-resolves to ``127.0.0.1`` between the check and the connect — DNS
  rebinding — cannot slip through). Proxies from the environment are ignored and redirects are
  not followed by the callers, so no hop escapes the check.

``OUTBOUND_ALLOW_PRIVATE_NETWORKS`` (on in the embedded default and the tests, whose receivers
listen on 127.0.0.1) lifts the address rule, never the scheme rule.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")


class BlockedDestination(Exception):
    """The destination is refused by the outbound rules; the message says why (no secrets)."""


def private_networks_allowed() -> bool:
    return bool(getattr(settings, "OUTBOUND_ALLOW_PRIVATE_NETWORKS", False))


def address_problem(address: str) -> str | None:
    """Why this IP address may not be a destination, or None when it is a public one."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return f"{address} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        kind = "a loopback address"
    elif ip.is_link_local:
        kind = "a link-local address (cloud metadata lives there)"
    elif ip.is_private:
        kind = "a private-network address"
    elif ip.is_multicast or ip.is_unspecified or ip.is_reserved or not ip.is_global:
        kind = "not a public address"
    else:
        return None
    return f"{ip} is {kind}"


def host_problem(host: str) -> str | None:
    """Save-time rule for a host name or literal address (DNS is checked at send time)."""
    host = host.strip("[]").rstrip(".").lower()
    if not host:
        return "the URL has no host"
    if private_networks_allowed():
        return None
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        if host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES):
            return f"{host} is a local name"
        return None
    return address_problem(host)


def url_problem(url: str) -> str | None:
    """Why this outbound URL is refused, as a sentence for a form field, or None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "Enter a valid URL."
    if parts.scheme not in ("http", "https"):
        return "Only http(s) URLs can be called."
    if parts.scheme != "https" and getattr(settings, "OUTBOUND_REQUIRE_HTTPS", False):
        return "Use an https:// URL (plain http is refused in production)."
    if parts.username or parts.password:
        return "Put credentials in the credential variable, not in the URL."
    problem = host_problem(host)
    if problem:
        return (
            f"Refused: {problem}. Outbound calls go to public addresses only "
            "(OUTBOUND_ALLOW_PRIVATE_NETWORKS lifts this)."
        )
    return None


def check_url(url: str) -> None:
    """Send-time check of the URL's form (the address is checked on connect)."""
    problem = url_problem(url)
    if problem:
        raise BlockedDestination(problem)


def resolve_checked(host: str, port: int) -> list[tuple]:
    """``getaddrinfo`` results for host:port, all of them public (or private allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise BlockedDestination(f"{host} does not resolve ({exc.strerror})") from exc
    if private_networks_allowed():
        return infos
    for info in infos:
        problem = address_problem(info[4][0])
        if problem:
            raise BlockedDestination(
                f"Refused: {host} resolves to {info[4][0]}, which {problem.split(' is ', 1)[1]}"
            )
    return infos


def _connect(conn) -> socket.socket:
    """Resolve, check every address, connect to the first checked one that answers."""
    infos = resolve_checked(conn._dns_host, conn.port)
    last: OSError | None = None
    for family, socktype, proto, _name, address in infos:
        sock = socket.socket(family, socktype, proto)
        try:
            for option in conn.socket_options or ():
                sock.setsockopt(*option)
            if isinstance(conn.timeout, int | float):
                sock.settimeout(conn.timeout)
            sock.connect(address)
            return sock
        except OSError as exc:
            last = exc
            sock.close()
    raise last or OSError("no address to connect to")


class _GuardedMixin:
    def _new_conn(self):
        try:
            return _connect(self)
        except BlockedDestination:
            raise
        except TimeoutError as exc:
            from urllib3.exceptions import ConnectTimeoutError

            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc


class GuardedHTTPConnection(_GuardedMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose sockets only connect to checked addresses."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool,
            "https": GuardedHTTPSConnectionPool,
        }


def guarded_session() -> requests.Session:
    """A session for outbound calls: guarded sockets, no proxies or netrc from the environment
    (a proxy would connect for us, past the check)."""
    session = requests.Session()
    session.trust_env = False
    adapter = GuardedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
