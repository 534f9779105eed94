"""The page django-axes shows a locked-out login (``AXES_LOCKOUT_CALLABLE``): 429, in the
layout, saying how long the lock lasts; JSON for scripts that ask for it."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

MESSAGE = (
    "Too many failed logins: this username is locked on this device for {minutes} minutes. "
    "Try again later, or ask a portal admin to unlock it."
)


def locked_out(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = MESSAGE.format(minutes=minutes)
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message}, status=429)
    return render(
        request,
        "registration/locked_out.html",
        {"message": message, "minutes": minutes},
        status=429,
    )
