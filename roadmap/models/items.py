from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal.textlimits import LONG, bounded_text
from roadmap.choices import OPEN_STATUSES, Horizon, ItemStatus


class RoadmapItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class RoadmapItem(models.Model):
    """Something Product may build. Demand from votes and linked feedback ranks it on the board."""

    title = models.CharField(max_length=200)
    description = bounded_text(LONG, blank=True, help_text="Markdown.")
    product_area = models.CharField(max_length=80, blank=True, db_index=True)
    status = models.CharField(
        max_length=24, choices=ItemStatus.choices, default=ItemStatus.UNDER_CONSIDERATION
    )
    horizon = models.CharField(max_length=10, choices=Horizon.choices, blank=True)
    target_quarter = models.CharField(max_length=7, blank=True, help_text="For example 2027-Q1.")
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="owner PM",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_roadmap_items",
    )
    # PM estimates for the score: score = demand × impact × confidence ÷ effort.
    impact = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    confidence = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    effort = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    jira_key = models.CharField(max_length=32, blank=True, db_index=True)
    launch_date = models.DateField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    # Written by the priority engine only.
    score = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    rank = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    score_breakdown = models.JSONField(default=dict, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["score", "rank", "score_breakdown", "scored_at", "updated_at"]
    )
    objects = RoadmapItemQuerySet.as_manager()

    class Meta:
        ordering = ["rank", "-score", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(effort__gt=0), name="roadmap_effort_positive")
        ]
        indexes = [
            models.Index(fields=["status", "rank"]),
            # A board column's top cards (roadmap.selectors.BOARD_ORDER) straight from the index.
            models.Index(
                F("status"),
                F("rank").asc(),  # ASC puts NULLs last in PostgreSQL, as BOARD_ORDER asks
                F("score").desc(),
                F("id"),
                name="roadmap_board_order",
            ),
            # The filter bar's list of areas (roadmap.selectors.product_areas).
            models.Index(fields=["product_area"], name="roadmap_item_area"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("roadmap:item-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
