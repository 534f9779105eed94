"""The portal's own 403/404/500 pages (in the layout, with the menu) and ``/favicon.ico``.

Django's default 403 and 404 handlers already render ``403.html``/``404.html`` with the request,
so the templates alone give them the layout. The 500 handler renders with the request too, so the
menu shows; if that fails as well (the database is down, say) it falls back to the same template
without the user's context, which still has the layout and a link home."""

import logging
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def server_error(request, template_name="500.html"):
    try:
        body = loader.get_template(template_name).render({}, request)
    except Exception:  # the page that reports a failure must not fail in turn
        logger.warning("500 page rendered without the request context", exc_info=True)
        body = loader.get_template(template_name).render({})
    return HttpResponseServerError(body)


@cache
def _favicon() -> bytes:
    return (settings.BASE_DIR / "static" / "img" / "favicon.svg").read_bytes()


@login_not_required
@require_safe
@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for ``/favicon.ico`` on pages without an icon link (admin, API docs)."""
    return HttpResponse(_favicon(), content_type="image/svg+xml")
