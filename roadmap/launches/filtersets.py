import django_filters
from django.db.models import Q
from django.utils import timezone

from portal.models import User
from roadmap.choices import ItemStatus
from roadmap.models import LaunchPlan

from .choices import Readiness
from .selectors import with_readiness


class LaunchPlanFilterSet(django_filters.FilterSet):
    """The launch calendar's filter bar (and its CSV). Readiness is that of ``today`` (the view
    passes its own day; tests fix it)."""

    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(
        field_name="item__status", choices=ItemStatus.choices, label="Item status"
    )
    readiness = django_filters.ChoiceFilter(
        choices=Readiness.choices, method="filter_readiness", label="Readiness"
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
        fields = ["q", "status", "readiness", "owner", "launch"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_readiness(self, queryset, name, value):
        return with_readiness(queryset, today=self.today).filter(readiness_status=value)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(item__title__icontains=value) | Q(notes__icontains=value))
