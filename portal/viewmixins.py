"""Bases for the portal's form views: a save is one service call, its errors land on the form."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from .errors import form_add_service_error


class ServiceFormMixin:
    """For create/edit views (``FormView``/``UpdateView``): :meth:`perform` calls the one service
    and returns the object; a ``ValidationError`` or ``PermissionDenied`` from it re-renders the
    form with the user's input and the message at its field. On success the user sees
    :meth:`get_success_message` and goes to :meth:`get_success_url` (the object's page)."""

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.object = self.perform(form)
        except (ValidationError, PermissionDenied) as exc:
            form_add_service_error(form, exc)
            return self.form_invalid(form)
        message = self.get_success_message(form)
        if message:
            messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_success_message(self, form) -> str:
        return self.success_message.format(object=self.object)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()
