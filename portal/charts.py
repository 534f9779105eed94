"""Server-drawn SVG charts: readable without JavaScript, styled by the portal's CSS.

Every chart has a title that states its finding, labelled axes and a ``<title>`` on each point
(the hover text); pages show the same numbers in a table beside it. Colours come from CSS classes
(``chart-series-0`` …), so the palette lives in one place and keeps AA contrast.

    chart = line_chart(
        title="Requesters adopt faster than others",
        x_labels=["W1", "W2", "W3"],
        series=[Series("Requesters", [0.1, 0.4, 0.6]), Series("Everyone else", [0.05, 0.1, 0.2])],
        y_label="share of accounts using it",
        percent=True,
    )
    {{ chart }}   (a SafeString)
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]


def _n(value: float) -> str:
    return f"{value:.1f}"


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"


def _nice_max(value: float, percent: bool) -> float:
    if percent:
        return 1.0 if value > 0.5 or value <= 0 else max(0.1, round(value * 1.2 + 0.049, 1))
    if value <= 0:
        return 1.0
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if value <= step * 4:
            return step * 4 if value > step * 3 else step * (int(value // step) + 1)
    return value * 1.1


def _frame(title: str, y_label: str, y_max: float, percent: bool, x_labels, x_at) -> list:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [format_html('<title id="{}">{}</title>', "t", title)]
    for i in range(5):
        value = y_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            format_html(
                '<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="chart-tick" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                _n(y),
                WIDTH - RIGHT,
                _n(y),
                LEFT - 6,
                _n(y + 4),
                _fmt(value, percent),
            )
        )
    every = max(1, len(x_labels) // 8)
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == len(x_labels) - 1:
            parts.append(
                format_html(
                    '<text class="chart-tick" x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x_at(i)),
                    HEIGHT - BOTTOM + 16,
                    label,
                )
            )
    parts.append(
        format_html(
            '<text class="chart-axis" x="{}" y="{}" transform="rotate(-90 {} {})" '
            'text-anchor="middle">{}</text>',
            14,
            _n(TOP + plot_h / 2),
            14,
            _n(TOP + plot_h / 2),
            y_label,
        )
    )
    return parts


def _legend(series: Sequence[Series]) -> SafeString:
    return format_html_join(
        "",
        '<text class="chart-legend chart-series-{}" x="{}" y="{}">■ {}</text>',
        ((i, LEFT + i * 170, HEIGHT - 10, s.label) for i, s in enumerate(series)),
    )


def _svg(kind: str, title: str, parts: list) -> SafeString:
    return format_html(
        '<svg class="chart chart-{}" viewBox="0 0 {} {}" role="img" aria-labelledby="t" '
        'preserveAspectRatio="xMidYMid meet">{}</svg>',
        kind,
        WIDTH,
        HEIGHT,
        mark_safe("".join(parts)),  # noqa: S308 - every part is built with format_html
    )


def _top(x_labels, series, percent: bool, y_max: float | None) -> float | None:
    """The value at the top of the y axis; ``None`` when there is nothing to draw."""
    values = [v for s in series for v in s.values if v is not None]
    if not x_labels or not values:
        return None
    return y_max if y_max is not None else _nice_max(max(values), percent)


def line_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    percent: bool = False,
    y_max: float | None = None,
) -> SafeString:
    """Lines over ``x_labels`` (weeks, say); ``None`` values leave a gap."""
    top = _top(x_labels, series, percent, y_max)
    if top is None:
        return format_html('<p class="chart-empty">{}: no data yet.</p>', title)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(x_labels) - 1)

    def x_at(i):
        return LEFT + (i * step if len(x_labels) > 1 else plot_w / 2)

    def y_at(v):
        return TOP + plot_h - plot_h * min(v, top) / top

    parts = _frame(title, y_label, top, percent, x_labels, x_at)
    for n, s in enumerate(series):
        points = [(x_at(i), y_at(v), v, i) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            parts.append(
                format_html(
                    '<polyline class="chart-line chart-series-{}" points="{}"/>',
                    n,
                    " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points),
                )
            )
        for x, y, v, i in points:
            parts.append(
                format_html(
                    '<circle class="chart-point chart-series-{}" cx="{}" cy="{}" r="3">'
                    "<title>{} · {}: {}</title></circle>",
                    n,
                    _n(x),
                    _n(y),
                    s.label,
                    x_labels[i],
                    _fmt(v, percent),
                )
            )
    parts.append(_legend(series))
    return _svg("line", title, parts)


def bar_chart(
    *,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_label: str,
    percent: bool = False,
    y_max: float | None = None,
) -> SafeString:
    """Grouped bars, one group per label (segments, tiers, phases)."""
    top = _top(x_labels, series, percent, y_max)
    if top is None:
        return format_html('<p class="chart-empty">{}: no data yet.</p>', title)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / len(x_labels)
    bar = group * 0.7 / max(1, len(series))

    def x_at(i):
        return LEFT + group * i + group / 2

    parts = _frame(title, y_label, top, percent, x_labels, x_at)
    for n, s in enumerate(series):
        for i, v in enumerate(s.values):
            if v is None:
                continue
            h = plot_h * min(v, top) / top
            parts.append(
                format_html(
                    '<rect class="chart-bar chart-series-{}" x="{}" y="{}" width="{}" '
                    'height="{}"><title>{} · {}: {}</title></rect>',
                    n,
                    _n(LEFT + group * i + group * 0.15 + bar * n),
                    _n(TOP + plot_h - h),
                    _n(bar),
                    _n(h),
                    s.label,
                    x_labels[i],
                    _fmt(v, percent),
                )
            )
    parts.append(_legend(series))
    return _svg("bar", title, parts)
