import django_filters
from django.db.models import Q

from portal.choices import Tier
from portal.models import Account, User

from . import selectors
from .choices import Horizon, ItemStatus
from .models import RoadmapItem


class RoadmapItemFilterSet(django_filters.FilterSet):
    """Shared by the board, the list (and its CSV) and the roadmap items API."""

    q = django_filters.CharFilter(method="search", label="Search")
    product_area = django_filters.CharFilter(lookup_expr="iexact", label="Product area")
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(groups__name="product_manager").order_by("username"),
        label="Owner PM",
    )
    status = django_filters.MultipleChoiceFilter(choices=ItemStatus.choices)
    horizon = django_filters.MultipleChoiceFilter(choices=Horizon.choices)
    tier = django_filters.MultipleChoiceFilter(
        choices=Tier.choices, method="filter_tier", label="Demand from tier"
    )
    segment = django_filters.CharFilter(method="filter_segment", label="Demand from segment")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("rank", "rank"),
            ("score", "score"),
            ("title", "title"),
            ("score_breakdown__votes", "votes"),
            ("score_breakdown__accounts", "accounts"),
            ("score_breakdown__total_arr", "arr"),
            ("status", "status"),
            ("updated_at", "updated"),
        )
    )

    class Meta:
        model = RoadmapItem
        fields = ["q", "product_area", "owner", "status", "horizon", "tier", "segment"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title__icontains=value) | Q(description__icontains=value) | Q(jira_key__iexact=value)
        )

    def filter_tier(self, queryset, name, value):
        if not value:
            return queryset
        return selectors.items_with_demand_from(queryset, Account.objects.filter(tier__in=value))

    def filter_segment(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return selectors.items_with_demand_from(
            queryset, Account.objects.filter(segment__iexact=value)
        )
