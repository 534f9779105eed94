"""One JSON log line and the metrics for every request, under its request id."""

import logging
import time

from django.utils.functional import empty

from .context import new_request_id, request_id_var
from .metrics import LATENCY, REQUESTS

logger = logging.getLogger("portal.request")


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        REQUESTS.labels(view=view, method=request.method, status=str(response.status_code)).inc()
        LATENCY.labels(view=view).observe(elapsed)
        response["X-Request-ID"] = request_id
        logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "view": view,
                "status": response.status_code,
                "duration_ms": round(elapsed * 1000, 1),
                "user_id": _user_id(request),
            },
        )
        return response


def _user_id(request) -> int | None:
    """The signed-in user's id when the request has already loaded them. Logging never loads the
    user itself: with the database down that would turn the 503 of
    :class:`portal.health.DatabaseUnavailableMiddleware` back into a 500."""
    user = getattr(request, "user", None)
    loaded = getattr(user, "_wrapped", user)
    if loaded is None or loaded is empty:
        return None
    return loaded.pk if loaded.is_authenticated else None
