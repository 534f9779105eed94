"""The analytics features a roadmap item ships: the one service that sets them, and the reads.

``roadmap`` does not know the analytics data (that is ``integrations``); it only stores which
feature keys an item claims. The item form offers the keys seen in usage data through a panel the
integrations app registers (slot ``roadmap_item_form``), and adoption is computed there.
"""

import json
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Aggregate, OuterRef, QuerySet, Subquery, TextField

from .models import FEATURE_KEY_MAX_LENGTH, RoadmapItem, RoadmapItemFeature

MAX_FEATURES_PER_ITEM = 20
_SEPARATORS = re.compile(r"[,\n]")


def feature_keys_parse(text: str) -> list[str]:
    """``"sso.login, sso.setup"`` → ``["sso.login", "sso.setup"]`` (commas or new lines; blanks
    and repeats dropped, order kept). Keys may contain spaces and dots, as analytics names do."""
    keys: list[str] = []
    for part in _SEPARATORS.split(text or ""):
        key = part.strip()
        if key and key not in keys:
            keys.append(key)
    return keys


@transaction.atomic
def roadmap_item_set_features(*, item: RoadmapItem, feature_keys: list[str], actor=None) -> list:
    """Make ``feature_keys`` the item's mapped analytics features (added and removed rows keep
    their history). Raises ``ValidationError({"feature_keys": …})`` for a key that is too long
    or too many keys."""
    keys = feature_keys_parse("\n".join(feature_keys))
    errors = [
        f"“{key[:40]}…” is longer than {FEATURE_KEY_MAX_LENGTH} characters."
        for key in keys
        if len(key) > FEATURE_KEY_MAX_LENGTH
    ]
    if len(keys) > MAX_FEATURES_PER_ITEM:
        errors.append(f"At most {MAX_FEATURES_PER_ITEM} feature keys per item.")
    if errors:
        raise ValidationError({"feature_keys": errors})
    current = {f.feature_key: f for f in RoadmapItemFeature.objects.filter(item=item)}
    for key, row in current.items():
        if key not in keys:
            if actor is not None:
                row._history_user = actor
            row.delete()
    for key in keys:
        if key not in current:
            row = RoadmapItemFeature(item=item, feature_key=key)
            row.full_clean(validate_constraints=False)
            if actor is not None:
                row._history_user = actor
            row.save()
    return sorted(keys)


def feature_keys_of(item: RoadmapItem) -> list[str]:
    """The item's keys: from the ``feature_keys_json`` annotation when the query carried it (see
    :func:`with_feature_keys`), otherwise one query."""
    if hasattr(item, "feature_keys_json"):
        return sorted(json.loads(item.feature_keys_json or "[]"))
    return list(item.features.order_by("feature_key").values_list("feature_key", flat=True))


class _JsonArrayAgg(Aggregate):
    """The group's values as JSON array text, on PostgreSQL and SQLite alike."""

    function = "JSON_GROUP_ARRAY"  # SQLite
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="JSON_AGG(%(expressions)s)::text", **extra
        )


def with_feature_keys(queryset: QuerySet) -> QuerySet:
    """Each item with ``feature_keys_json`` (one correlated subquery, no extra query): list pages
    and the API keep their query counts."""
    keys = (
        RoadmapItemFeature.objects.filter(item=OuterRef("pk"))
        .order_by()
        .values("item")
        .annotate(keys=_JsonArrayAgg("feature_key"))
        .values("keys")
    )
    return queryset.annotate(feature_keys_json=Subquery(keys, output_field=TextField()))


def items_claiming(keys) -> dict[str, list[int]]:
    """Which items claim each of ``keys`` (one query)."""
    claimed: dict[str, list[int]] = {}
    rows = RoadmapItemFeature.objects.filter(feature_key__in=list(keys)).values_list(
        "feature_key", "item_id"
    )
    for key, item_id in rows:
        claimed.setdefault(key, []).append(item_id)
    return claimed
