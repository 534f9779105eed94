"""Integration maps: an imported Markdown document turned into phases, points and criteria.

A map's structure (sections, groups, points, criteria, links, phases, KPI targets) comes from its
document and is rewritten in place by re-imports (``integrations.maps.importer``); the progress on
it (who ticked and verified which criterion, measured KPI values) is the portal's and survives
re-imports. A point's status is always derived from its criteria and its phase's due date.
"""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portal.textlimits import DOCUMENT, LONG, SHORT, bounded_text

__all__ = [
    "AcceptanceCriterion",
    "FrameworkLink",
    "IntegrationMap",
    "IntegrationPoint",
    "KpiTarget",
    "MapGroup",
    "MapSection",
    "PendingMapImport",
    "Phase",
    "PointStatus",
]

USER = settings.AUTH_USER_MODEL


class PointStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
    VERIFIED = "verified", "Verified"


class IntegrationMap(models.Model):
    """One imported integration-map document; its cycle start date anchors the phase timeline."""

    title = models.CharField(max_length=300)
    metadata = models.JSONField(default=dict, blank=True, help_text="The document's front matter.")
    properties = models.JSONField(
        default=list,
        blank=True,
        help_text="`**Label**: value` lines under the title, as [label, value] pairs.",
    )
    cycle_start = models.DateField(
        null=True, blank=True, help_text="Week 1 of the phase timeline starts on this date."
    )
    source_name = models.CharField(max_length=255, blank=True)
    source_text = bounded_text(
        DOCUMENT, blank=True, help_text="The last imported document, verbatim."
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The document itself (up to 2 MB) stays out: each import's text is kept on its
    # PendingMapImport, and the history says who imported what when (``source_name``).
    history = HistoricalRecords(excluded_fields=["source_text", "updated_at"])

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("integrations:map-detail", args=[self.pk])


class MapSection(models.Model):
    """A top-level heading of the document that holds points (``## Product Development …``)."""

    map = models.ForeignKey(IntegrationMap, on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["map", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["map", "title"], name="map_section_title_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class MapGroup(models.Model):
    """A heading between a section and its points (``### 1.1 Development-Product Integration``)."""

    section = models.ForeignKey(MapSection, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "title"], name="map_group_title_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}".strip()


class Phase(models.Model):
    """A phase of the timeline, ``Phase N: Name (Weeks a-b)``; dates follow the cycle start."""

    map = models.ForeignKey(IntegrationMap, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=300)
    week_start = models.PositiveIntegerField()
    week_end = models.PositiveIntegerField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["map", "number"]
        constraints = [
            models.UniqueConstraint(fields=["map", "number"], name="map_phase_number_unique"),
            models.CheckConstraint(
                condition=models.Q(week_start__gte=1, week_end__gte=models.F("week_start")),
                name="phase_week_range_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Phase {self.number}: {self.name}"

    @property
    def anchor(self) -> str:
        """The phase's id on the map's board: ``#phase-2`` opens and shows it."""
        return f"phase-{self.number}"

    @property
    def weeks_label(self) -> str:
        if self.week_start == self.week_end:
            return f"Week {self.week_start}"
        return f"Weeks {self.week_start}-{self.week_end}"

    def starts_on(self, cycle_start: datetime.date | None) -> datetime.date | None:
        if cycle_start is None:
            return None
        return cycle_start + datetime.timedelta(weeks=self.week_start - 1)

    def due_on(self, cycle_start: datetime.date | None) -> datetime.date | None:
        """The last day of the phase's last week."""
        if cycle_start is None:
            return None
        return cycle_start + datetime.timedelta(weeks=self.week_end, days=-1)


class IntegrationPoint(models.Model):
    """One integration point (``1.1.1``) with its flow, protocol, criteria and framework links."""

    map = models.ForeignKey(IntegrationMap, on_delete=models.CASCADE, related_name="points")
    section = models.ForeignKey(
        MapSection, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    group = models.ForeignKey(
        MapGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    phase = models.ForeignKey(
        Phase, on_delete=models.SET_NULL, null=True, blank=True, related_name="points"
    )
    code = models.CharField(max_length=80)
    title = models.CharField(max_length=300)
    flow_from = models.CharField("flow from", max_length=300, blank=True)
    flow_to = models.CharField("flow to", max_length=300, blank=True)
    protocol = bounded_text(LONG, "coordination protocol", blank=True)
    owner_team = models.CharField(max_length=120, blank=True)
    extra_fields = models.JSONField(
        default=list, blank=True, help_text="Other `**Label**: value` lines, as [label, value]."
    )
    position = models.PositiveIntegerField(default=0)
    archived = models.BooleanField(
        default=False, help_text="No longer in the document; kept with its progress."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "position"])

    class Meta:
        ordering = ["map", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["map", "code"], name="map_point_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("integrations:point-detail", args=[self.pk])

    @property
    def flow(self) -> str:
        if not (self.flow_from or self.flow_to):
            return ""
        return f"{self.flow_from} ↔ {self.flow_to}"


class AcceptanceCriterion(models.Model):
    """One acceptance criterion of a point: ticked (with evidence) and verified by another admin."""

    point = models.ForeignKey(IntegrationPoint, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    text = bounded_text(SHORT)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence_note = bounded_text(SHORT, blank=True)
    evidence_url = models.URLField("evidence link", max_length=500, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    untick_reason = bounded_text(SHORT, blank=True, help_text="Why it was last un-ticked.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["point", "position", "id"]
        verbose_name_plural = "acceptance criteria"
        permissions = [
            ("verify_acceptancecriterion", "Can verify a criterion another admin ticked"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    def clean(self) -> None:
        if self.verified_at and not self.done_at:
            raise ValidationError("A criterion can only be verified once it is done.")
        if self.verified_by_id and self.verified_by_id == self.done_by_id:
            raise ValidationError("The admin who ticked a criterion cannot also verify it.")


class FrameworkLink(models.Model):
    """A business-framework link of a point: ``[Name](target)``."""

    point = models.ForeignKey(IntegrationPoint, on_delete=models.CASCADE, related_name="links")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=300)
    target = models.CharField(max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["point", "position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def href(self) -> str:
        """The target as a link, or "" when its scheme is not a web one (``javascript:`` …)."""
        scheme = urlsplit(self.target).scheme.lower()
        return self.target if scheme in ("", "http", "https", "mailto") else ""


class KpiTarget(models.Model):
    """A KPI target of the map (from its success-validation lists) and the value measured."""

    map = models.ForeignKey(IntegrationMap, on_delete=models.CASCADE, related_name="kpis")
    heading = models.CharField(max_length=300, blank=True)
    name = models.CharField(max_length=300)
    target = models.CharField(max_length=300, help_text="As written: `95% achievement target`.")
    target_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    measured_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    measured_at = models.DateTimeField(null=True, blank=True)
    measured_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["map", "position", "id"]
        verbose_name = "KPI target"
        constraints = [models.UniqueConstraint(fields=["map", "name"], name="map_kpi_name_unique")]

    def __str__(self) -> str:
        return f"{self.name}: {self.target}"

    @property
    def measured_label(self) -> str:
        return _number_label(self.measured_value, self.unit)

    @property
    def target_label(self) -> str:
        return _number_label(self.target_value, self.unit)

    @property
    def met(self) -> bool | None:
        if self.measured_value is None or self.target_value is None:
            return None
        return self.measured_value >= self.target_value

    @property
    def ratio_percent(self) -> int | None:
        if self.measured_value is None or not self.target_value:
            return None
        return min(100, int(self.measured_value * 100 / self.target_value))


def _number_label(value, unit: str) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}"  # 96.50 → "96.5", 100.00 → "100"
    return f"{text}%" if unit == "%" else text


class PendingMapImport(models.Model):
    """An uploaded document waiting for the admin to confirm its preview."""

    uploaded_by = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    target_map = models.ForeignKey(
        IntegrationMap, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    source_name = models.CharField(max_length=255)
    text = bounded_text(DOCUMENT)
    cycle_start = models.DateField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_map = models.ForeignKey(
        IntegrationMap, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.source_name} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("integrations:map-import-preview", args=[self.pk])
