"""One filter bar for every list: built from the list's FilterSet, so the page, its CSV and the
API filter the same way (docs/design-system.md, "Filter bar").

``filter_bar_for(request, filterset)`` turns each filter into a compact control — a search box, a
select with "Any", a dropdown of checkboxes for a multiple choice (never a list box with
``---------``), a checkbox, a date range — and each active value into a chip whose link removes
just that value. Filters not shown as controls (ids passed by other pages' links) keep their value
in a hidden input and still get a chip. The URL is the state: the form is a GET form, each chip
and "Clear" a plain link, so a view can be shared or bookmarked. A value the FilterSet refuses (a
tampered choice) is a message in ``bar.errors``, shown with the count, never a server error.
"""

from dataclasses import dataclass, field

import django_filters
from django.http import QueryDict

from .labels import human_label

PAGE_PARAMS = ("page", "more", "offset", "export")


def filtered_rows(filterset):
    """The filtered rows, or none when the FilterSet refuses a value (a tampered choice): every
    list and its CSV show nothing rather than everything, and the bar says why."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class Control:
    name: str
    label: str
    kind: str  # search | text | select | multi | checkbox | daterange | hidden
    value: str = ""
    values: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    names: tuple[str, str] = ("", "")  # daterange: the _after and _before parameters

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option.selected)

    @property
    def id(self) -> str:
        return f"filter-{self.name}"


@dataclass
class Chip:
    label: str
    remove_url: str


@dataclass
class FilterBar:
    controls: list[Control]
    hidden: list[tuple[str, str]]
    chips: list[Chip]
    clear_url: str
    action: str
    count: int | None = None
    export_url: str = ""
    results_id: str = ""
    noun: str = "result"
    errors: list[str] = field(default_factory=list)

    @property
    def count_text(self) -> str:
        """ "1 launch", "3 launches", "0 items"."""
        if self.count == 1:
            return f"1 {self.noun}"
        plural = self.noun + ("es" if self.noun.endswith(("s", "sh", "ch", "x", "z")) else "s")
        return f"{self.count} {plural}"

    @property
    def visible_controls(self) -> list[Control]:
        return [c for c in self.controls if c.kind != "hidden"]


def _choices(filterset, name) -> list[tuple[str, str]]:
    form_field = filterset.form.fields[name]
    out = []
    for value, label in form_field.choices:
        value = "" if value is None else str(getattr(value, "value", value))
        if value == "":
            continue
        out.append((value, str(label)))
    return out


def _kind(name: str, flt) -> str:
    if isinstance(flt, django_filters.OrderingFilter):
        return "sort"
    if isinstance(flt, django_filters.DateFromToRangeFilter):
        return "daterange"
    if isinstance(flt, django_filters.MultipleChoiceFilter):
        return "multi"
    if isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ChoiceFilter):
        return "select"
    if isinstance(flt, django_filters.BooleanFilter):
        return "checkbox"
    if isinstance(flt, django_filters.CharFilter):
        return "search" if name == "q" else "text"
    return "hidden"


def _querydict(data) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, value in (data or {}).items():
        params.setlist(key, value if isinstance(value, list | tuple) else [value])
    return params


def _url(path: str, params: QueryDict, blank_query: str = "") -> str:
    query = params.urlencode() or blank_query
    return f"{path}?{query}" if query else path


def filter_bar_for(
    request,
    filterset,
    *,
    count: int | None = None,
    fields: list[str] | None = None,
    sort: bool = False,
    export_url: str = "",
    results_id: str = "",
    noun: str = "result",
    labels: dict[str, str] | None = None,
    choices: dict[str, list[tuple[str, str]]] | None = None,
    blank_query: str = "",
) -> FilterBar:
    """The bar for ``filterset`` on the page of ``request``.

    ``fields`` are the filters shown as controls, in order (default: all but id filters);
    ``sort`` adds the OrderingFilter as a "Sort" select; ``export_url`` is the CSV link (the
    current filter is appended); ``results_id`` is the element htmx swaps on a change;
    ``choices`` turns a free-text filter into a select of known values; ``blank_query`` is the
    query a link with no filter left carries, for a list whose bare URL applies a default filter
    (the triage queue shows new tickets unless told otherwise)."""
    data = filterset.data if isinstance(filterset.data, QueryDict) else _querydict(filterset.data)
    path = request.path
    labels = labels or {}
    choices = choices or {}
    # The links the bar draws (chips, "Clear", CSV) carry only the filters that are set: an
    # empty parameter (``segment=``) filters nothing and would only clutter a shared URL.
    base = QueryDict(mutable=True)
    for name, values in data.lists():
        kept_values = [v for v in values if v != ""]
        if kept_values and name not in PAGE_PARAMS:
            base.setlist(name, kept_values)
    controls: list[Control] = []
    hidden: list[tuple[str, str]] = []
    chips: list[Chip] = []
    filter_params: set[str] = set()
    shown = fields
    if shown is None:
        shown = [
            name
            for name, flt in filterset.filters.items()
            if _kind(name, flt) not in ("hidden", "sort")
        ]
    for name, flt in filterset.filters.items():
        kind = _kind(name, flt)
        label = labels.get(name) or str(flt.label or human_label(name))
        if kind == "sort":
            ordering = data.get(name, "")
            if sort:
                options = [
                    Option(value, text, value == ordering)
                    for value, text in _choices(filterset, name)
                ]
                controls.append(Control(name, "Sort", "select", ordering, options=options))
            elif ordering:
                hidden.append((name, ordering))
            continue
        if name not in shown and kind != "daterange":
            kind = "hidden" if kind != "multi" else "hidden-multi"
        if kind == "daterange":
            after, before = f"{name}_after", f"{name}_before"
            filter_params.update((after, before))
            control = Control(
                name, label, "daterange" if name in shown else "hidden", names=(after, before)
            )
            control.values = [data.get(after, ""), data.get(before, "")]
            if name in shown:
                controls.append(control)
            for param, word in ((after, "from"), (before, "to")):
                value = data.get(param, "")
                if value:
                    if name not in shown:
                        hidden.append((param, value))
                    chips.append(
                        Chip(f"{label} {word} {value}", _without(path, blank_query, base, param))
                    )
            continue
        filter_params.add(name)
        if kind in ("multi", "hidden-multi"):
            values = [v for v in data.getlist(name) if v != ""]
            options = [Option(v, text, v in values) for v, text in _choices(filterset, name)]
            names = dict((o.value, o.label) for o in options)
            if kind == "multi":
                controls.append(Control(name, label, "multi", values=values, options=options))
            else:
                hidden.extend((name, v) for v in values)
            for value in values:
                chips.append(
                    Chip(
                        f"{label}: {names.get(value, human_label(value))}",
                        _without(path, blank_query, base, name, value),
                    )
                )
            continue
        value = data.get(name, "")
        if name in choices and kind in ("select", "text"):
            kind = "select"
        if kind == "select":
            listed = choices[name] if name in choices else _choices(filterset, name)
            options = [Option(v, text, v.lower() == value.lower()) for v, text in listed]
            controls.append(Control(name, label, kind, value, options=options))
            if value:
                text = next((o.label for o in options if o.selected), value)
                chips.append(Chip(f"{label}: {text}", _without(path, blank_query, base, name)))
            continue
        if kind == "checkbox":
            checked = value.lower() in ("true", "1", "on", "yes")
            controls.append(Control(name, label, kind, "true" if checked else ""))
            if checked:
                chips.append(Chip(label, _without(path, blank_query, base, name)))
            continue
        if kind == "hidden":
            if value:
                hidden.append((name, value))
        else:
            controls.append(Control(name, label, kind, value))
        if value.strip():
            shown_value = f"“{value.strip()}”" if kind in ("search", "text") else value
            chips.append(Chip(f"{label}: {shown_value}", _without(path, blank_query, base, name)))
    # Other parameters of the page (another panel's filter, say) ride along unchanged.
    kept = {name for name, _ in hidden}
    for name in base:
        if name not in filter_params and name not in kept and name != "ordering":
            hidden.extend((name, value) for value in base.getlist(name))
    cleared = base.copy()
    for name in filter_params:
        cleared.pop(name, None)
    errors = _errors(filterset, labels)
    export = ""
    if export_url:
        query = base.urlencode()
        sep = "&" if "?" in export_url else "?"
        export = f"{export_url}{sep}{query}" if query else export_url
    return FilterBar(
        controls=controls,
        hidden=hidden,
        chips=chips,
        clear_url=_url(path, cleared, blank_query),
        action=path,
        count=count,
        export_url=export,
        results_id=results_id,
        noun=noun,
        errors=errors,
    )


def _errors(filterset, labels: dict[str, str]) -> list[str]:
    """What is wrong with the filter in the URL, one sentence per message, each starting with its
    control's label ("Readiness: Select a valid choice. …"): the list shows them above its rows."""
    if not filterset.is_bound:
        return []
    out = []
    for name, messages in filterset.form.errors.items():
        flt = filterset.filters.get(name)
        label = labels.get(name) or (str(flt.label or human_label(name)) if flt else "")
        out.extend(f"{label}: {message}" if label else str(message) for message in messages)
    return out


def _without(
    path: str, blank_query: str, base: QueryDict, name: str, value: str | None = None
) -> str:
    params = base.copy()
    if value is None:
        params.pop(name, None)
    else:
        params.setlist(name, [v for v in params.getlist(name) if v != value])
    return _url(path, params, blank_query)


class FilterBarMixin:
    """For a ``FilterView``: puts ``bar`` (the filter bar of the page's filterset) in the context.

    Templates include ``partials/filter_bar.html`` (the controls) above the element
    ``#<filter_bar_results>`` and ``partials/filter_summary.html`` (count, chips, CSV) inside it."""

    filter_bar_fields: list[str] | None = None
    filter_bar_sort = False
    filter_bar_export = ""
    filter_bar_results = "list-results"
    filter_bar_noun = "result"
    filter_bar_labels: dict[str, str] | None = None
    filter_bar_blank_query = ""

    def get_filter_bar_choices(self) -> dict[str, list[tuple[str, str]]]:
        """Choices for filters that are free text in the FilterSet (a product area, say)."""
        return {}

    def get_filter_bar_export(self) -> str:
        return self.filter_bar_export

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paginator = context.get("paginator")
        rows = context.get("object_list") or []
        count = paginator.count if paginator is not None else len(rows)
        context["bar"] = filter_bar_for(
            self.request,
            context["filter"],
            count=count,
            fields=self.filter_bar_fields,
            sort=self.filter_bar_sort,
            export_url=self.get_filter_bar_export(),
            results_id=self.filter_bar_results,
            noun=self.filter_bar_noun,
            labels=self.filter_bar_labels,
            choices=self.get_filter_bar_choices(),
            blank_query=self.filter_bar_blank_query,
        )
        return context
