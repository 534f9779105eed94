import django_filters
from django.db.models import Q

from portal.models import User
from roadmap.choices import ItemStatus
from roadmap.models import LaunchPlan


class LaunchPlanFilterSet(django_filters.FilterSet):
    """The launch calendar's filter bar (and its CSV)."""

    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(
        field_name="item__status", choices=ItemStatus.choices, label="Item status"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(owned_launch_plans__isnull=False)
        .distinct()
        .order_by("username"),
        label="Owner",
    )
    launch = django_filters.DateFromToRangeFilter(field_name="item__launch_date", label="Launch")

    class Meta:
        model = LaunchPlan
        fields = ["q", "status", "owner", "launch"]

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(item__title__icontains=value) | Q(notes__icontains=value))
