from .items import RoadmapItem, RoadmapItemQuerySet

__all__ = ["RoadmapItem", "RoadmapItemQuerySet"]
