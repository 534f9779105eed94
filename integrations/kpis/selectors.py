"""The KPIs of the seeds, computed from the portal's own data against their targets.

Each measure is a fixed number of aggregate queries whatever the data size; :func:`kpi_report`
computes them all for a date range and caches the result for a few minutes (the figures move
slowly and some aggregates read every ticket's history). Weekly series are bucketed by the
Monday of each week. A measure with nothing to count says so in words ("no data yet") instead of
dividing by zero. Definitions are in ``docs/kpis.md`` and on the page (hover).
"""

import datetime as dt
import math
import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from feedback.choices import NO_DEMAND_STATUSES, TicketStatus
from feedback.metrics import triage_times
from feedback.models import FeedbackTicket, ShipNotification
from integrations.home import phase_progress
from integrations.models import FeatureUsage, KpiMeasurement, KpiTarget
from portal.choices import LifecycleStage
from portal.models import Account
from roadmap.choices import ItemStatus
from roadmap.models import (
    POSITIVE_RATING_FROM,
    BetaParticipant,
    RoadmapItem,
    RoadmapItemFeature,
    ScoringPolicy,
    Vote,
)

CACHE_SECONDS = 300
CACHE_VERSION = 2
DEFAULT_WEEKS = 12
# A feature counts as linked to health when adopting it correlates with the health score at
# least this much (point-biserial r across active accounts).
LINKAGE_MIN_CORRELATION = 0.1

TARGETS = {
    "conversion": 0.70,
    "influence": 0.40,
    "alignment": 0.80,
    "beta": 0.75,
    "linkage": 0.85,
}
NO_DATA = "no data yet"


@dataclass
class Kpi:
    """One measure: headline value, numerator/denominator, weekly (or per-group) series, table."""

    key: str
    name: str
    definition: str
    target: float | None = None
    target_label: str = ""
    unit: str = "percent"  # percent, hours, days
    numerator: float | None = None
    denominator: float | None = None
    numerator_label: str = ""
    denominator_label: str = ""
    value: float | None = None
    chart_kind: str = "line"
    x_labels: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float | None]]] = field(default_factory=list)
    y_label: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    note: str = ""

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def value_label(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def met(self) -> bool | None:
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target

    @property
    def finding(self) -> str:
        """The chart's title: what the figure says."""
        if self.value is None:
            return f"{self.name}: {NO_DATA}"
        if self.target is None:
            return f"{self.name}: {self.value_label}"
        verdict = "meets" if self.met else "is below"
        return f"{self.name} is {self.value_label}, which {verdict} the {self.target_label} target"


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return NO_DATA
    if unit == "percent":
        return f"{value * 100:.0f}%"
    if unit == "hours":
        return f"{value:.1f} h" if value < 48 else f"{value / 24:.1f} days"
    return f"{value:.1f} days"


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


# --- The range and its weeks -------------------------------------------------------------------


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The last twelve weeks, from a Monday to today."""
    today = today or timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    return monday - dt.timedelta(weeks=DEFAULT_WEEKS - 1), today


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(since, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def weeks(since: dt.date, until: dt.date) -> list[dt.date]:
    first = since - dt.timedelta(days=since.weekday())
    out = []
    while first <= until:
        out.append(first)
        first += dt.timedelta(weeks=1)
    return out


def _week_of(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value - dt.timedelta(days=value.weekday())


def week_label(week: dt.date) -> str:
    return f"{week.day} {week:%b}"


def _weekly(rows: dict[dt.date, tuple[int, int]], week_list: list[dt.date]):
    """(numerator, denominator) per week → ratio per week (None where nothing was counted)."""
    values = []
    for week in week_list:
        num, den = rows.get(week, (0, 0))
        values.append(_ratio(num, den))
    return values


# --- The measures ------------------------------------------------------------------------------


def conversion(since, until, week_list) -> Kpi:
    """Feedback-to-roadmap conversion: triaged tickets (filed in the range) linked to an item."""
    start, end = _bounds(since, until)
    rows = (
        FeedbackTicket.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=[TicketStatus.NEW, TicketStatus.DUPLICATE])
        .annotate(week=TruncWeek("created_at"))
        .order_by()
        .values("week")
        .annotate(triaged=Count("id"), linked=Count("id", filter=Q(roadmap_item__isnull=False)))
    )
    by_week = {_week_of(r["week"]): (r["linked"], r["triaged"]) for r in rows}
    linked = sum(n for n, _ in by_week.values())
    triaged = sum(d for _, d in by_week.values())
    values = _weekly(by_week, week_list)
    return Kpi(
        key="conversion",
        name="Feedback-to-roadmap conversion",
        definition=(
            "Triaged tickets filed in the range that are linked to a roadmap item (an existing "
            "one or one created from the ticket), divided by all triaged tickets filed in the "
            "range. New tickets and merged duplicates are not counted."
        ),
        target=TARGETS["conversion"],
        target_label="70% (seed 003)",
        numerator=linked,
        denominator=triaged,
        numerator_label="linked to an item",
        denominator_label="triaged tickets",
        value=_ratio(linked, triaged),
        x_labels=[week_label(w) for w in week_list],
        series=[("Conversion", values), ("Target", [TARGETS["conversion"]] * len(week_list))],
        y_label="share of triaged tickets",
        header=["week", "linked to an item", "triaged tickets", "conversion"],
        rows=[
            [w.isoformat(), *by_week.get(w, (0, 0)), _pct(v)]
            for w, v in zip(week_list, values, strict=True)
        ],
    )


def triage_velocity(since, until, week_list) -> Kpi:
    """Median hours from filing to triage, by the week of triage."""
    start, end = _bounds(since, until)
    times = triage_times(since=start, until=end)
    by_week: dict[dt.date, list[float]] = defaultdict(list)
    for triaged_at, hours in times:
        by_week[_week_of(triaged_at)].append(hours)
    medians = [statistics.median(by_week[w]) if by_week.get(w) else None for w in week_list]
    overall = statistics.median(h for _, h in times) if times else None
    with_data = [m for m in medians if m is not None]
    note = ""
    if len(with_data) >= 2 and with_data[0] > 0:
        change = 1 - with_data[-1] / with_data[0]
        faster = "faster" if change >= 0 else "slower"
        note = (
            f"The latest week is {abs(change) * 100:.0f}% {faster} than the first week with "
            "data in the range (seed 003 aims for 60% faster prioritisation)."
        )
    return Kpi(
        key="velocity",
        name="Median time to triage",
        definition=(
            "For tickets triaged in the range: the median time from filing to the first move out "
            "of “new” (triaged, declined or merged), from each ticket's history; weekly by the "
            "week of triage."
        ),
        unit="hours",
        numerator=len(times),
        numerator_label="tickets triaged",
        value=overall,
        x_labels=[week_label(w) for w in week_list],
        series=[("Median hours to triage", medians)],
        y_label="hours",
        header=["week", "tickets triaged", "median hours to triage"],
        rows=[
            [w.isoformat(), len(by_week.get(w, [])), "" if m is None else round(m, 2)]
            for w, m in zip(week_list, medians, strict=True)
        ],
        note=note,
    )


def _consensus_items(threshold: int):
    return (
        Vote.objects.order_by()
        .values("item_id")
        .annotate(reps=Count("rep", distinct=True))
        .filter(reps__gte=threshold)
        .values("item_id")
    )


def influence(since, until, week_list, *, threshold: int) -> Kpi:
    """Roadmap influence: items (not declined) with CS consensus, by status (now)."""
    rows = (
        RoadmapItem.objects.exclude(status=ItemStatus.DECLINED)
        .order_by()
        .values("status")
        .annotate(
            total=Count("id"),
            consensus=Count("id", filter=Q(pk__in=_consensus_items(threshold))),
        )
    )
    by_status = {r["status"]: (r["consensus"], r["total"]) for r in rows}
    statuses = [s for s in ItemStatus if s != ItemStatus.DECLINED]
    with_consensus = sum(n for n, _ in by_status.values())
    total = sum(d for _, d in by_status.values())
    values = [_ratio(*by_status.get(s, (0, 0))) for s in statuses]
    return Kpi(
        key="influence",
        name="Roadmap influence",
        definition=(
            f"Roadmap items (all but declined) with CS consensus — votes from at least "
            f"{threshold} distinct CS reps, the scoring policy's threshold — divided by all "
            "those items, as of now."
        ),
        target=TARGETS["influence"],
        target_label="40% (seed 003)",
        numerator=with_consensus,
        denominator=total,
        numerator_label="items with CS consensus",
        denominator_label="roadmap items",
        value=_ratio(with_consensus, total),
        chart_kind="bar",
        x_labels=[s.label for s in statuses],
        series=[("With CS consensus", values)],
        y_label="share of items",
        header=["status", "items with CS consensus", "items", "share"],
        rows=[
            [s.label, *by_status.get(s, (0, 0)), _pct(v)]
            for s, v in zip(statuses, values, strict=True)
        ],
    )


def _cs_backed():
    voted = Vote.objects.values("item_id")
    linked = (
        FeedbackTicket.objects.exclude(status__in=NO_DEMAND_STATUSES)
        .filter(roadmap_item__isnull=False)
        .values("roadmap_item_id")
    )
    return Q(pk__in=voted) | Q(pk__in=linked)


def alignment(since, until, week_list) -> Kpi:
    """Roadmap alignment: items shipped in the range that CS demand was behind."""
    start, end = _bounds(since, until)
    rows = (
        RoadmapItem.objects.filter(
            status=ItemStatus.SHIPPED, shipped_at__gte=start, shipped_at__lt=end
        )
        .annotate(week=TruncWeek("shipped_at"))
        .order_by()
        .values("week")
        .annotate(shipped=Count("id"), weighted=Count("id", filter=_cs_backed()))
    )
    by_week = {_week_of(r["week"]): (r["weighted"], r["shipped"]) for r in rows}
    weighted = sum(n for n, _ in by_week.values())
    shipped = sum(d for _, d in by_week.values())
    values = _weekly(by_week, week_list)
    return Kpi(
        key="alignment",
        name="Roadmap alignment",
        definition=(
            "Items shipped in the range that were CS-weighted — at least one CS vote or one "
            "linked feedback ticket (not declined or merged) counted as demand — divided by all "
            "items shipped in the range."
        ),
        target=TARGETS["alignment"],
        target_label="80% (seed 003)",
        numerator=weighted,
        denominator=shipped,
        numerator_label="CS-weighted shipped items",
        denominator_label="shipped items",
        value=_ratio(weighted, shipped),
        chart_kind="bar",
        x_labels=[week_label(w) for w in week_list],
        series=[("CS-weighted share of shipped items", values)],
        y_label="share of shipped items",
        header=["week", "CS-weighted", "shipped", "share"],
        rows=[
            [w.isoformat(), *by_week.get(w, (0, 0)), _pct(v)]
            for w, v in zip(week_list, values, strict=True)
        ],
    )


def beta_validation(since, until, week_list) -> Kpi:
    """Beta positive-validation rate of participants completed in the range."""
    start, end = _bounds(since, until)
    rows = (
        BetaParticipant.objects.filter(
            completed_at__gte=start, completed_at__lt=end, validation_rating__isnull=False
        )
        .annotate(week=TruncWeek("completed_at"))
        .order_by()
        .values("week")
        .annotate(
            rated=Count("id"),
            positive=Count("id", filter=Q(validation_rating__gte=POSITIVE_RATING_FROM)),
        )
    )
    by_week = {_week_of(r["week"]): (r["positive"], r["rated"]) for r in rows}
    positive = sum(n for n, _ in by_week.values())
    rated = sum(d for _, d in by_week.values())
    values = _weekly(by_week, week_list)
    return Kpi(
        key="beta",
        name="Beta positive-validation rate",
        definition=(
            f"Beta participants completed in the range with a validation rating of "
            f"{POSITIVE_RATING_FROM} or 5 (out of 5), divided by all rated participants "
            "completed in the range."
        ),
        target=TARGETS["beta"],
        target_label="75% (seed 003)",
        numerator=positive,
        denominator=rated,
        numerator_label="rated 4 or 5",
        denominator_label="rated participants",
        value=_ratio(positive, rated),
        x_labels=[week_label(w) for w in week_list],
        series=[("Positive validations", values), ("Target", [TARGETS["beta"]] * len(week_list))],
        y_label="share of rated participants",
        header=["week", "rated 4 or 5", "rated", "share"],
        rows=[
            [w.isoformat(), *by_week.get(w, (0, 0)), _pct(v)]
            for w, v in zip(week_list, values, strict=True)
        ],
    )


def _health_base() -> tuple[int, float, float]:
    base = (
        Account.objects.exclude(lifecycle_stage=LifecycleStage.CHURNED)
        .order_by()
        .aggregate(
            n=Count("id"),
            total=Sum("health_score"),
            total_sq=Sum(F("health_score") * F("health_score")),
        )
    )
    return base["n"], float(base["total"] or 0), float(base["total_sq"] or 0)


def _point_biserial(n, total, total_sq, adopters, health_sum) -> float | None:
    """Correlation between adopting (0/1) and the health score, from the adopters' count and
    health sum against every active account's (the adoption endpoint's ``health_correlation``)."""
    others = n - adopters
    variance = total_sq / n - (total / n) ** 2 if n else 0.0
    if not (adopters and others and variance > 1e-12):
        return None
    mean_adopters = health_sum / adopters
    mean_others = (total - health_sum) / others
    r = (mean_adopters - mean_others) / math.sqrt(variance) * math.sqrt(adopters * others) / n
    return round(r, 4)


def feature_health_correlations(since: dt.date, until: dt.date) -> list[dict]:
    """Two queries: per feature used in the window, the point-biserial correlation between
    adopting it and the health score across active accounts (the same figure as
    ``analytics.selectors.adoption_health_correlation``, for every feature at once)."""
    n, total, total_sq = _health_base()
    usage, account = FeatureUsage._meta.db_table, Account._meta.db_table
    sql = (
        f"SELECT feature, COUNT(*), SUM(health) FROM (SELECT DISTINCT u.feature AS feature, "  # noqa: S608 - table names from Meta, values as parameters
        f"a.id AS account_id, a.health_score AS health FROM {usage} u JOIN {account} a "
        f"ON a.id = u.account_id WHERE u.day >= %s AND u.day <= %s AND u.events > 0 "
        f"AND a.lifecycle_stage <> %s) adopted GROUP BY feature ORDER BY feature"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, until, LifecycleStage.CHURNED])
        per_feature = cursor.fetchall()
    out = []
    for feature, adopters, health_sum in per_feature:
        adopters, health_sum = int(adopters), float(health_sum or 0)
        r = _point_biserial(n, total, total_sq, adopters, health_sum)
        out.append({"feature": feature, "accounts": n, "adopters": adopters, "correlation": r})
    return out


def item_health_correlations(since: dt.date, until: dt.date) -> list[dict]:
    """Three queries: per shipped item that names its analytics features, the point-biserial
    correlation between using any of them in the window and the health score across active
    accounts. Empty when no shipped item maps features."""
    items = dict(
        RoadmapItem.objects.filter(status=ItemStatus.SHIPPED, features__isnull=False)
        .order_by("title", "id")
        .values_list("id", "title")
        .distinct()
    )
    if not items:
        return []
    n, total, total_sq = _health_base()
    usage, account = FeatureUsage._meta.db_table, Account._meta.db_table
    mapped, item = RoadmapItemFeature._meta.db_table, RoadmapItem._meta.db_table
    sql = (
        f"SELECT item_id, COUNT(*), SUM(health) FROM (SELECT DISTINCT f.item_id AS item_id, "  # noqa: S608 - table names from Meta, values as parameters
        f"a.id AS account_id, a.health_score AS health FROM {usage} u "
        f"JOIN {mapped} f ON f.feature_key = u.feature JOIN {item} i ON i.id = f.item_id "
        f"JOIN {account} a ON a.id = u.account_id WHERE i.status = %s AND u.day >= %s "
        f"AND u.day <= %s AND u.events > 0 AND a.lifecycle_stage <> %s) adopted GROUP BY item_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [ItemStatus.SHIPPED, since, until, LifecycleStage.CHURNED])
        per_item = {row[0]: row[1:] for row in cursor.fetchall()}
    out = []
    for item_id, title in items.items():
        adopters, health_sum = per_item.get(item_id, (0, 0))
        adopters, health_sum = int(adopters), float(health_sum or 0)
        r = _point_biserial(n, total, total_sq, adopters, health_sum)
        out.append({"feature": title, "accounts": n, "adopters": adopters, "correlation": r})
    return out


def linkage(since, until, week_list) -> Kpi:
    rows = item_health_correlations(since, until)
    by_items = bool(rows)
    if not by_items:
        rows = feature_health_correlations(since, until)
    measured = [r for r in rows if r["correlation"] is not None]
    linked = [r for r in measured if r["correlation"] >= LINKAGE_MIN_CORRELATION]
    what = "shipped items" if by_items else "features"
    note = ""
    if not rows:
        note = "No product-analytics usage was recorded in the range."
    elif not by_items:
        note = (
            "No shipped item names its analytics features yet, so every feature seen in "
            "product analytics counts (a PM maps them on the item's form)."
        )
    return Kpi(
        key="linkage",
        name="Feature-health linkage",
        definition=(
            "Shipped items whose adoption correlates with account health (point-biserial r ≥ "
            f"{LINKAGE_MIN_CORRELATION} between using any of the item's mapped analytics "
            "features in the range and the health score, across active accounts), divided by "
            "the shipped items with a measurable correlation. While no shipped item maps "
            "features, each feature seen in product analytics counts instead."
        ),
        target=TARGETS["linkage"],
        target_label="85% (seed 003)",
        numerator=len(linked),
        denominator=len(measured),
        numerator_label=f"{what} linked to health",
        denominator_label=f"{what} with a correlation",
        value=_ratio(len(linked), len(measured)),
        chart_kind="bar",
        x_labels=[r["feature"] for r in measured],
        series=[("Adoption–health correlation", [r["correlation"] for r in measured])],
        y_label="correlation (r)",
        header=[
            "shipped item" if by_items else "feature",
            "adopters",
            "active accounts",
            "correlation",
            "linked to health",
        ],
        rows=[
            [
                r["feature"],
                r["adopters"],
                r["accounts"],
                "" if r["correlation"] is None else r["correlation"],
                "yes" if (r["correlation"] or 0) >= LINKAGE_MIN_CORRELATION else "no",
            ]
            for r in rows
        ],
        note=note,
    )


def criteria(since, until, week_list) -> Kpi:
    """Integration criteria done and verified, by map phase (now)."""
    phases = [p for p in phase_progress() if p.total]
    total = sum(p.total for p in phases)
    done = sum(p.done for p in phases)
    verified = sum(p.verified for p in phases)
    return Kpi(
        key="criteria",
        name="Integration criteria verified",
        definition=(
            "Acceptance criteria of the integration maps' points (archived points left out) that "
            "are done and verified by a second person, divided by all criteria; by phase, as "
            "of now. Done-but-unverified criteria show in the “done” series."
        ),
        target=1.0,
        target_label="100% by each phase's due date",
        numerator=verified,
        denominator=total,
        numerator_label="verified criteria",
        denominator_label="criteria",
        value=_ratio(verified, total),
        chart_kind="bar",
        x_labels=[f"{p.map_id}·{p.number}" for p in phases],
        series=[
            ("Done", [_ratio(p.done, p.total) for p in phases]),
            ("Verified", [_ratio(p.verified, p.total) for p in phases]),
        ],
        y_label="share of criteria",
        header=["map", "phase", "criteria", "done", "verified", "due", "overdue"],
        rows=[
            [
                p.map.title,
                f"{p.number}. {p.name}",
                p.total,
                p.done,
                p.verified,
                p.due.isoformat() if p.due else "",
                p.overdue,
            ]
            for p in phases
        ],
        note=f"{done} of {total} criteria are done." if total else "",
    )


def close_the_loop(since, until, week_list) -> Kpi:
    """Items shipped in the range with linked feedback: were all their requesters told?"""
    start, end = _bounds(since, until)
    demand = FeedbackTicket.objects.exclude(status__in=NO_DEMAND_STATUSES)
    untold = demand.exclude(Exists(ShipNotification.objects.filter(ticket=OuterRef("pk")))).values(
        "roadmap_item_id"
    )
    rows = list(
        RoadmapItem.objects.filter(
            status=ItemStatus.SHIPPED,
            shipped_at__gte=start,
            shipped_at__lt=end,
            pk__in=demand.values("roadmap_item_id"),
        )
        .annotate(
            first_notice=Min("feedback_tickets__ship_notifications__sent_at"),
            untold=Exists(untold.filter(roadmap_item_id=OuterRef("pk"))),
        )
        .order_by()
        .values_list("shipped_at", "first_notice", "untold")
    )
    by_week: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    days: list[float] = []
    for shipped_at, first_notice, is_untold in rows:
        counts = by_week[_week_of(shipped_at)]
        counts[1] += 1
        if not is_untold:
            counts[0] += 1
        if first_notice is not None:
            days.append(max(0.0, (first_notice - shipped_at).total_seconds() / 86400))
    told = sum(c[0] for c in by_week.values())
    shipped = sum(c[1] for c in by_week.values())
    values = _weekly({w: tuple(c) for w, c in by_week.items()}, week_list)
    median_days = statistics.median(days) if days else None
    return Kpi(
        key="loop",
        name="Close-the-loop",
        definition=(
            "Items shipped in the range that have linked feedback, whose every requester was "
            "told (each linked ticket has a ship notice), divided by those items. The median "
            "days from ship to the first notice is shown beside it."
        ),
        numerator=told,
        denominator=shipped,
        numerator_label="requesters all told",
        denominator_label="shipped items with requesters",
        value=_ratio(told, shipped),
        chart_kind="bar",
        x_labels=[week_label(w) for w in week_list],
        series=[("Requesters told", values)],
        y_label="share of shipped items",
        header=["week", "requesters all told", "shipped items with requesters", "share"],
        rows=[
            [w.isoformat(), *by_week.get(w, (0, 0)), _pct(v)]
            for w, v in zip(week_list, values, strict=True)
        ],
        note=(
            f"Median {median_days:.1f} days from ship to the first notice ({len(days)} items)."
            if median_days is not None
            else "No ship notice sent yet for items shipped in the range."
        ),
    )


def map_kpis(since, until) -> list[dict]:
    """Two queries: the integration-map KPI targets and every value recorded for them up to the
    end of the range (the history, not only the last value typed in)."""
    _, end = _bounds(since, until)
    targets = list(KpiTarget.objects.select_related("map").order_by("map__title", "position"))
    history: dict[int, list] = defaultdict(list)
    for m in KpiMeasurement.objects.filter(measured_at__lt=end).order_by("measured_at", "id"):
        history[m.kpi_id].append(m)
    out = []
    for kpi in targets:
        points = history.get(kpi.pk, [])
        target = float(kpi.target_value) if kpi.target_value is not None else None
        values = [float(m.value) for m in points]
        out.append(
            {
                "pk": kpi.pk,
                "map": kpi.map.title,
                "map_url": kpi.map.get_absolute_url(),
                "name": kpi.name,
                "target": kpi.target,
                "target_value": target,
                "unit": kpi.unit,
                "latest": values[-1] if values else None,
                "met": (values[-1] >= target) if values and target is not None else None,
                "history": [
                    {
                        "at": timezone.localtime(m.measured_at).date().isoformat(),
                        "value": float(m.value),
                    }
                    for m in points
                ],
            }
        )
    return out


# --- The report --------------------------------------------------------------------------------


def _compute(since: dt.date, until: dt.date) -> dict:
    week_list = weeks(since, until)
    threshold = int(ScoringPolicy.current().consensus_threshold)
    kpis = [
        conversion(since, until, week_list),
        triage_velocity(since, until, week_list),
        influence(since, until, week_list, threshold=threshold),
        alignment(since, until, week_list),
        beta_validation(since, until, week_list),
        linkage(since, until, week_list),
        criteria(since, until, week_list),
        close_the_loop(since, until, week_list),
    ]
    return {
        "since": since,
        "until": until,
        "computed_at": timezone.now(),
        "kpis": [asdict(k) for k in kpis],
        "map_kpis": map_kpis(since, until),
    }


def kpi_report(*, since: dt.date, until: dt.date, fresh: bool = False) -> dict:
    """Every KPI for the range, from the cache when computed in the last few minutes.

    Returns plain data (cacheable): ``kpis`` as ``Kpi`` objects rebuilt from their fields."""
    key = f"kpis:v{CACHE_VERSION}:{since.isoformat()}:{until.isoformat()}"
    report = None if fresh else cache.get(key)
    if report is None:
        report = _compute(since, until)
        cache.set(key, report, CACHE_SECONDS)
    return {**report, "kpis": [Kpi(**k) for k in report["kpis"]]}
