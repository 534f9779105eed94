from django import template
from django.utils.html import format_html

from roadmap import permissions
from roadmap.breakdown import money_short

register = template.Library()

# The permission predicates as filters, so templates ask the question the views and the API ask:
# ``{% if user|can_withdraw:vote %}``, ``{% if user|can_create_item %}``.
PREDICATES = [
    "can_create_item",
    "can_edit_item",
    "can_move_item",
    "can_vote_for",
    "can_vote_on",
    "can_withdraw",
    "can_change_policy",
    "can_recompute",
    "can_create_program",
    "can_edit_program",
    "can_nominate_some",
    "can_nominate",
    "can_manage_participants",
    "can_create_launch",
    "can_move_launch",
    "can_add_milestone",
    "can_manage_milestones",
]
for _name in PREDICATES:
    register.filter(_name, getattr(permissions, _name))


@register.simple_tag
def sparkline(values, width=80, height=20):
    """A small SVG line of a score trend (oldest first); nothing for fewer than two points."""
    values = [float(v) for v in values or []]
    if len(values) < 2:
        return ""
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = width / (len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - (v - low) / span * (height - 4):.1f}"
        for i, v in enumerate(values)
    )
    direction = "up" if values[-1] > values[0] else "down" if values[-1] < values[0] else "flat"
    return format_html(
        '<svg class="sparkline trend-{}" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="Score trend: {}"><polyline fill="none" stroke-width="1.5" points="{}"/></svg>',
        direction,
        width,
        height,
        width,
        height,
        direction,
        points,
    )


@register.filter
def money(value):
    """$1.2M, $250k, $900."""
    try:
        return money_short(float(value or 0))
    except (TypeError, ValueError):
        return value
