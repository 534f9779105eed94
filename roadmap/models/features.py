"""Which analytics features a roadmap item ships: the keys (event or feature names recorded by the
analytics connector) whose use counts as adopting the item once it has shipped."""

from django.db import models
from simple_history.models import HistoricalRecords

from .items import RoadmapItem

__all__ = ["FEATURE_KEY_MAX_LENGTH", "RoadmapItemFeature"]

FEATURE_KEY_MAX_LENGTH = 120  # the analytics connector stores feature names this long


class RoadmapItemFeature(models.Model):
    """One analytics feature key an item delivers; set by a PM on the item form (history kept).

    Adoption of a shipped item is the use of any of its keys from its ship date."""

    item = models.ForeignKey(RoadmapItem, on_delete=models.CASCADE, related_name="features")
    feature_key = models.CharField(max_length=FEATURE_KEY_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["feature_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "feature_key"], name="roadmap_item_feature_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(feature_key=""), name="roadmap_item_feature_key_not_empty"
            ),
        ]
        indexes = [models.Index(fields=["feature_key"], name="roadmap_feature_key_idx")]

    def __str__(self) -> str:
        return f"{self.item} ships {self.feature_key}"
