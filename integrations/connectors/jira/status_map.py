"""Jira status category → roadmap item status: a setting of the connection (``status_map``), with
the defaults below. Jira Cloud's status categories have the keys ``new`` (To Do),
``indeterminate`` (In Progress), ``done`` (Done) and ``undefined`` (No Category)."""

from roadmap.choices import ItemStatus

JIRA_CATEGORIES = {
    "new": "To Do",
    "indeterminate": "In Progress",
    "done": "Done",
    "undefined": "No Category",
}
DEFAULT_STATUS_MAP = {
    "new": None,
    "indeterminate": ItemStatus.IN_PROGRESS.value,
    "done": ItemStatus.SHIPPED.value,
    "undefined": None,
}
# Items only move forward along this order; a declined item stays declined.
FORWARD = [
    ItemStatus.UNDER_CONSIDERATION,
    ItemStatus.PLANNED,
    ItemStatus.IN_PROGRESS,
    ItemStatus.SHIPPED,
]
TARGETS = {s.value for s in FORWARD} | {ItemStatus.DECLINED.value}


def status_map(settings: dict) -> dict[str, str | None]:
    """The connection's category → item status map over the defaults (``null`` or ``""``: no
    change)."""
    configured = settings.get("status_map") or {}
    merged = {**DEFAULT_STATUS_MAP, **configured}
    return {key: (value or None) for key, value in merged.items()}


def validate_status_map(value) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        return "status_map must be an object of Jira status category → item status."
    unknown = sorted(set(value) - set(JIRA_CATEGORIES))
    if unknown:
        return (
            f"status_map: unknown status categories {', '.join(unknown)} "
            f"(Jira's are {', '.join(JIRA_CATEGORIES)})."
        )
    for category, target in value.items():
        if target not in (None, "") and target not in TARGETS:
            return (
                f"status_map: {category} → {target!r} is not an item status "
                f"({', '.join(sorted(TARGETS))}, or null for no change)."
            )
    return None


def target_for(item_status: str, target: str | None) -> str | None:
    """The status to move an item in ``item_status`` to, or ``None``: items move forward only
    (an in-progress issue does not pull a shipped item back), declined items stay."""
    if not target or item_status == ItemStatus.DECLINED or item_status == target:
        return None
    if target == ItemStatus.DECLINED:
        return target if item_status != ItemStatus.SHIPPED else None
    order = [s.value for s in FORWARD]
    if item_status in order and order.index(item_status) < order.index(target):
        return target
    return None


def status_map_rows(settings: dict) -> list[tuple[str, str, str, bool]]:
    """For the connection page: (category key, Jira's name, item status label, is default)."""
    labels = dict(ItemStatus.choices)
    current = status_map(settings)
    return [
        (
            key,
            name,
            labels.get(current.get(key), "no change") if current.get(key) else "no change",
            current.get(key) == DEFAULT_STATUS_MAP[key],
        )
        for key, name in JIRA_CATEGORIES.items()
    ]
