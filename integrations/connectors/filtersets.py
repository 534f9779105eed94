"""Filters of the connector API resources."""

from django_filters import rest_framework as filters

from integrations.models import FeatureUsage, SyncRun


class SyncRunFilterSet(filters.FilterSet):
    class Meta:
        model = SyncRun
        fields = ["connection", "status", "kind"]


class FeatureUsageFilterSet(filters.FilterSet):
    since = filters.DateFilter(field_name="day", lookup_expr="gte")
    until = filters.DateFilter(field_name="day", lookup_expr="lte")

    class Meta:
        model = FeatureUsage
        fields = ["account", "feature", "since", "until"]
