import django_filters
from django.db.models import Q

from .choices import HealthBand, LifecycleStage, Tier
from .models import Account

MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An object id in a filter: a whole number in the range of a database id, so a tampered value
    is the parameter's error (400, or the filter bar's field error), never a failed query."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class AccountFilterSet(django_filters.FilterSet):
    """Shared by the accounts page and the accounts API."""

    q = django_filters.CharFilter(method="search", label="Search")
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices)
    health_band = django_filters.MultipleChoiceFilter(choices=HealthBand.choices)
    lifecycle_stage = django_filters.MultipleChoiceFilter(choices=LifecycleStage.choices)
    segment = django_filters.CharFilter(lookup_expr="iexact")
    csm_owner = IdFilter(field_name="csm_owner_id", label="CSM owner id")
    mine = django_filters.BooleanFilter(method="filter_mine", label="Only my accounts")
    ordering = django_filters.OrderingFilter(
        fields=(("name", "name"), ("arr", "arr"), ("health_score", "health"), ("tier", "tier"))
    )

    class Meta:
        model = Account
        fields = ["q", "tier", "health_band", "lifecycle_stage", "segment", "csm_owner"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(crm_id__iexact=value) | Q(segment__iexact=value)
        )

    def filter_mine(self, queryset, name, value):
        if value and self.request is not None and self.request.user.is_authenticated:
            return queryset.filter(csm_owner=self.request.user)
        return queryset
