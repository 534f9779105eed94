from django.db import models


class ItemStatus(models.TextChoices):
    UNDER_CONSIDERATION = "under_consideration", "Under consideration"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    DECLINED = "declined", "Declined"


# Items that compete for rank; shipped and declined items keep their last score but no rank.
OPEN_STATUSES = [ItemStatus.UNDER_CONSIDERATION, ItemStatus.PLANNED, ItemStatus.IN_PROGRESS]
BOARD_STATUSES = [*OPEN_STATUSES, ItemStatus.SHIPPED]


class Horizon(models.TextChoices):
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class HealthImpact(models.TextChoices):
    """What the CS rep expects the item to do for the account's health (a vote's weight)."""

    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class FeedbackImpact(models.TextChoices):
    """Impact levels of linked feedback tickets, as the feedback app reports them."""

    BLOCKER = "blocker", "Blocker"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
