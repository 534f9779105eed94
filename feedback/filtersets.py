import django_filters
from django.contrib.auth import get_user_model

from portal.choices import HealthBand, Tier
from portal.filtersets import IdFilter

from .choices import Category, Impact, TicketStatus
from .models import FeedbackTicket
from .search import filter_text


def _submitters(request):
    return get_user_model().objects.filter(submitted_feedback__isnull=False).distinct()


class FeedbackFilterSet(django_filters.FilterSet):
    """Shared by the triage page, its CSV export and the tickets API.

    Every filter follows single-valued relations only, so none needs DISTINCT (which would make
    PostgreSQL de-duplicate whole rows of a 20k-ticket table)."""

    q = django_filters.CharFilter(method="search", label="Search")
    status = django_filters.MultipleChoiceFilter(choices=TicketStatus.choices, distinct=False)
    category = django_filters.MultipleChoiceFilter(choices=Category.choices, distinct=False)
    impact = django_filters.MultipleChoiceFilter(choices=Impact.choices, distinct=False)
    product_area = django_filters.CharFilter(lookup_expr="iexact", label="Product area")
    tier = django_filters.MultipleChoiceFilter(
        field_name="account__tier", choices=Tier.choices, label="Account tier", distinct=False
    )
    health_band = django_filters.MultipleChoiceFilter(
        field_name="account__health_band",
        choices=HealthBand.choices,
        label="Health band",
        distinct=False,
    )
    submitter = django_filters.ModelChoiceFilter(queryset=_submitters)
    account = IdFilter(field_name="account_id", label="Account id")
    roadmap_item = IdFilter(field_name="roadmap_item_id", label="Roadmap item id")
    created = django_filters.DateFromToRangeFilter(field_name="created_at", label="Submitted")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("created_at", "created"),
            ("updated_at", "updated"),
            ("impact_rank", "impact"),
            ("account_count", "accounts"),
            ("account__arr", "arr"),
            ("account__health_score", "health"),
            ("title", "title"),
        ),
        field_labels={
            "created": "Oldest first",
            "-created": "Newest first",
            "updated": "Least recently changed",
            "-updated": "Recently changed",
            "impact": "Most severe first",
            "-impact": "Least severe first",
            "-accounts": "Most accounts first",
            "accounts": "Fewest accounts first",
            "arr": "Smallest ARR",
            "-arr": "Largest ARR",
            "health": "Worst health",
            "-health": "Best health",
            "title": "Title A–Z",
            "-title": "Title Z–A",
        },
    )

    class Meta:
        model = FeedbackTicket
        fields = ["q", "status", "category", "impact", "product_area", "submitter"]

    def search(self, queryset, name, value):
        return filter_text(queryset, value)
