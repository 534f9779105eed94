"""The board's filters (django-filter), over the annotated points of one map."""

import django_filters
from django import forms

from integrations.models import IntegrationPoint, MapSection, Phase, PointStatus


class IntegrationPointFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search")
    phase = django_filters.ModelChoiceFilter(
        queryset=Phase.objects.none(), empty_label="All phases"
    )
    section = django_filters.ModelChoiceFilter(
        queryset=MapSection.objects.none(), empty_label="All sections"
    )
    owner_team = django_filters.ChoiceFilter(
        choices=[], empty_label="All teams", label="Owner team"
    )
    status = django_filters.ChoiceFilter(
        choices=PointStatus.choices, empty_label="Any status", label="Status"
    )
    overdue = django_filters.BooleanFilter(
        field_name="is_overdue",
        widget=forms.CheckboxInput,
        label="Overdue only",
        method="filter_overdue",
    )
    archived = django_filters.BooleanFilter(
        widget=forms.CheckboxInput, label="Include archived", method="filter_archived"
    )

    class Meta:
        model = IntegrationPoint
        fields = ["q", "phase", "section", "owner_team", "status", "overdue", "archived"]

    def __init__(self, data=None, queryset=None, *, imap, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["phase"].queryset = Phase.objects.filter(map=imap)
        self.filters["section"].queryset = MapSection.objects.filter(map=imap)
        teams = (
            IntegrationPoint.objects.filter(map=imap)
            .exclude(owner_team="")
            .order_by("owner_team")
            .values_list("owner_team", flat=True)
            .distinct()
        )
        self.filters["owner_team"].extra["choices"] = [(t, t) for t in teams]

    @property
    def qs(self):
        qs = super().qs
        if not self.form.cleaned_data.get("archived"):
            qs = qs.filter(archived=False)
        return qs

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__istartswith=value) | Q(title__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_archived(self, queryset, name, value):
        return queryset
