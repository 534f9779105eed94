"""``/metrics``: Prometheus text for staff signed in, or for a scraper with ``METRICS_TOKEN``
(``Authorization: Bearer <token>``). Everyone else: 403, and nothing about what it holds."""

import hmac

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from .metrics import render


def _allowed(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return True
    expected = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given, f"Bearer {expected}")


@login_not_required
@never_cache
@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponseForbidden("Metrics are for staff or a scraper with the metrics token.")
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
