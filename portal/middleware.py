from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from rest_framework.views import APIView


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Login on every page; API views authenticate themselves (session or token) and answer 401/403
    as JSON instead of redirecting, so they are left to DRF's authentication and permissions."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        view_class = getattr(view_func, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


API_PREFIX = "/api/"


class ApiBodyLimitMiddleware:
    """A body over ``API_MAX_BODY_BYTES`` on the API answers a JSON 400 before anything reads it
    (found when probed: Django's HTML 400 page came back to API clients). Bodies without a
    length are bounded by the JSON parser itself (``portal.api.strict``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return JsonResponse(
                    {"detail": "The Content-Length header is not a number."}, status=400
                )
            limit = settings.API_MAX_BODY_BYTES
            if length > limit and "multipart/form-data" not in request.content_type:
                return JsonResponse(
                    {"detail": f"The request body is larger than {limit} bytes."}, status=400
                )
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith(API_PREFIX) and isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": "The request body is too large."}, status=400)
        return None
