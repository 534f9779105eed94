"""The API's filter backend: django-filter's, but a filter parameter that is given must hold a
value of the type the schema states. ``?until=`` on a date, ``?created_before=`` on a range,
``?status=`` on a choice would otherwise be read as "not given" (django-filter's rule for forms,
where an empty control is normal), and ``?mine=null`` on a boolean as "either" — against the
schema, which says a date, one of the choices, ``true`` or ``false``. Free-text filters may still
be empty."""

import django_filters
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .strict import BLANK_PARAM

NOT_BOOLEAN = "Give true or false."


def _param_names(name: str, flt) -> list[str]:
    """The query parameters a filter reads: its name, or ``name_after``/``name_before`` (and
    ``_min``/``_max``) for a range."""
    suffixes = getattr(flt.field.widget, "suffixes", None)
    return [f"{name}_{suffix}" for suffix in suffixes] if suffixes else [name]


class StrictFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is not None:
            params = request.query_params
            errors: dict[str, list[str]] = {}
            for name, flt in filterset.filters.items():
                if isinstance(flt, django_filters.CharFilter):
                    continue
                for param in _param_names(name, flt):
                    values = params.getlist(param)
                    if "" in values:
                        errors[param] = [BLANK_PARAM]
                    elif isinstance(flt, django_filters.BooleanFilter) and any(
                        v not in ("true", "false") for v in values
                    ):
                        errors[param] = [NOT_BOOLEAN]
            if errors:
                raise ValidationError(dict(sorted(errors.items())))
        return super().filter_queryset(request, queryset, view)
