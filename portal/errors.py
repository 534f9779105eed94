"""The one bridge between service errors and what the user sees.

Services raise Django's ``ValidationError`` (a dict naming fields, or plain messages) and
``PermissionDenied``. Form views put them on the form with :func:`form_add_service_error` (or
inherit :class:`portal.viewmixins.ServiceFormMixin`); API views let them propagate and
:func:`api_exception_handler` (DRF's ``EXCEPTION_HANDLER``) answers 400 with the errors by field
or 403 with the message. No view translates errors by hand.
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from rest_framework import exceptions as drf_exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def form_add_service_error(form, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's error on ``form``: each named field's messages at that field (a name the
    form does not have goes to the form's own errors), plain messages and refusals on the form."""
    if isinstance(exc, PermissionDenied):
        form.add_error(None, str(exc) or "Your role does not allow this action.")
        return
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            field = name if name in form.fields and name != NON_FIELD_ERRORS else None
            form.add_error(field, errors)
    else:
        form.add_error(None, exc)


def service_error_messages(exc: ValidationError | PermissionDenied) -> list[str]:
    """The messages of a service error as plain sentences (for a flash message or a fragment)."""
    if isinstance(exc, PermissionDenied):
        return [str(exc) or "Your role does not allow this action."]
    return list(exc.messages)


def api_error_detail(exc: ValidationError) -> dict | list:
    """A Django ``ValidationError`` as DRF error detail: ``{"field": ["…"]}`` or ``["…"]``;
    Django's ``__all__`` becomes DRF's ``non_field_errors``."""
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if name == NON_FIELD_ERRORS else name): [
                message for error in errors for message in error.messages
            ]
            for name, errors in exc.error_dict.items()
        }
    return list(exc.messages)


def api_exception_handler(exc, context):
    """DRF's handler, taught the services' Django exceptions (``REST_FRAMEWORK`` setting)."""
    if isinstance(exc, ValidationError):
        exc = drf_exceptions.ValidationError(api_error_detail(exc))
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
