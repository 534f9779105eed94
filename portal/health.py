"""Health endpoints and the database-down answer.

``/healthz``: the process answers (nothing is touched). ``/readyz``: the database and, when
``REDIS_URL`` is set, Redis answer; 503 naming the failing part. Neither needs a login, sets a
cookie or says anything beyond ``ok`` / the failing part's name.

Found when probed: with the database down every page and API call answered 500. The
:class:`DatabaseUnavailableMiddleware` (first in ``MIDDLEWARE``) turns a request that failed on a
database connection error into a 503 (a plain page, JSON on the API, ``Retry-After``); Django drops
the broken connection when the request ends, so the next request reconnects by itself.
"""

import sys

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.signals import got_request_exception
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "5"


@login_not_required
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        connection.close()
        return False


def _redis_ok() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, OSError):
        return False


@login_not_required
@never_cache
@require_safe
def readyz(request):
    checks = {"database": _database_ok()}
    if settings.REDIS_URL:
        checks["redis"] = _redis_ok()
    failing = [name for name, ok in checks.items() if not ok]
    if failing:
        response = JsonResponse({"status": "unavailable", "failing": failing}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse({"status": "ok"})


@receiver(got_request_exception, dispatch_uid="portal.health.database_down")
def _remember_database_down(sender, request=None, **kwargs):
    if request is not None and isinstance(sys.exc_info()[1], DATABASE_DOWN):
        request._portal_database_down = True


def database_unavailable(request) -> HttpResponse:
    message = "The database is unavailable just now; try again in a few seconds."
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        try:  # without the request: no context processor may touch the database
            body = loader.render_to_string("503.html", {"message": message})
        except Exception:  # the page reporting an outage must not fail in turn
            body = message
        response = HttpResponse(body, status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class DatabaseUnavailableMiddleware:
    """A request that failed because the database is unreachable answers 503, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "_portal_database_down", False):
            return database_unavailable(request)
        return response
