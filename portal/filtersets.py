import django_filters
from django.db.models import Q

from .choices import HealthBand, LifecycleStage, Tier
from .models import Account


class AccountFilterSet(django_filters.FilterSet):
    """Shared by the accounts page and the accounts API."""

    q = django_filters.CharFilter(method="search", label="Search")
    tier = django_filters.MultipleChoiceFilter(choices=Tier.choices)
    health_band = django_filters.MultipleChoiceFilter(choices=HealthBand.choices)
    lifecycle_stage = django_filters.MultipleChoiceFilter(choices=LifecycleStage.choices)
    segment = django_filters.CharFilter(lookup_expr="iexact")
    csm_owner = django_filters.NumberFilter(field_name="csm_owner_id", label="CSM owner id")
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
