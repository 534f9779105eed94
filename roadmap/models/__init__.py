from .beta import *  # noqa: F403
from .items import RoadmapItem, RoadmapItemQuerySet
from .launch import *  # noqa: F403

__all__ = ["RoadmapItem", "RoadmapItemQuerySet"]
