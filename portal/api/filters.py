"""The API's filter backend: django-filter's, but a filter parameter that is given must hold a
value. ``?until=`` on a date, ``?status=`` on a choice would otherwise be read as "not given"
(django-filter's rule for forms, where an empty control is normal), against the schema, which
says a date or one of the choices. Free-text filters may still be empty."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .strict import BLANK_PARAM


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            params = request.query_params
            blank = sorted(
                name
                for name, flt in filterset.filters.items()
                if name in params
                and params.get(name) == ""
                and not isinstance(flt, django_filters.CharFilter)
            )
            if blank:
                raise ValidationError({name: [BLANK_PARAM] for name in blank})
        return super().filter_queryset(request, queryset, view)
