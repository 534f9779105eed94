"""Launch plans: milestones relative to a roadmap item's launch date, and their reminders."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal.textlimits import LONG, bounded_text
from roadmap.launches.choices import Readiness

from .items import RoadmapItem

__all__ = [
    "LaunchPlan",
    "LaunchPlanQuerySet",
    "Milestone",
    "MilestoneReminder",
    "Readiness",
]


class LaunchPlanQuerySet(models.QuerySet):
    def for_lists(self):
        return self.select_related("item", "owner").prefetch_related(
            models.Prefetch(
                "milestones",
                queryset=Milestone.objects.select_related("owner").prefetch_related("depends_on"),
            )
        )


class LaunchPlan(models.Model):
    """The plan to launch one roadmap item; its date is the item's ``launch_date``."""

    item = models.OneToOneField(RoadmapItem, on_delete=models.CASCADE, related_name="launch_plan")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_launch_plans",
    )
    notes = bounded_text(LONG, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = LaunchPlanQuerySet.as_manager()

    class Meta:
        ordering = ["item__launch_date", "id"]

    def __str__(self) -> str:
        return f"Launch of {self.item}"

    def get_absolute_url(self) -> str:
        return reverse("roadmap:launch-detail", args=[self.pk])

    @property
    def launch_date(self):
        return self.item.launch_date


class Milestone(models.Model):
    """A dated step of a launch plan. ``offset_days`` set: it is relative to the launch date and
    moves with it while undone; unset: a fixed date."""

    plan = models.ForeignKey(LaunchPlan, on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(
        max_length=40, blank=True, help_text="Set on the standard milestones (feature_freeze, …)."
    )
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    due_date = models.DateField()
    offset_days = models.IntegerField(
        null=True, blank=True, help_text="Days from the launch date (T−14 is -14)."
    )
    critical = models.BooleanField(default=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="launch_milestones",
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, related_name="successors", blank=True
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"],
                condition=~models.Q(key=""),
                name="milestone_standard_key_once",
            )
        ]
        indexes = [models.Index(fields=["done_at", "due_date"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.due_date:%Y-%m-%d})"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def relative_label(self) -> str:
        if self.offset_days is None:
            return "fixed date"
        if self.offset_days == 0:
            return "T"
        sign = "+" if self.offset_days > 0 else "−"
        return f"T{sign}{abs(self.offset_days)}"


class MilestoneReminder(models.Model):
    """One reminder email per milestone and day: the unique row makes the daily task safe to run
    twice."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    recipient = models.EmailField()
    kind = models.CharField(max_length=12)  # due_tomorrow, due_today, late
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "sent_on"], name="reminder_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.milestone} reminded {self.sent_on}"
