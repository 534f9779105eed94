from django.db import models


class Tier(models.TextChoices):
    ENTERPRISE = "enterprise", "Enterprise"
    MID_MARKET = "mid_market", "Mid-market"
    SMB = "smb", "SMB"


class HealthBand(models.TextChoices):
    RED = "red", "Red"
    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"


class LifecycleStage(models.TextChoices):
    ONBOARDING = "onboarding", "Onboarding"
    ADOPTING = "adopting", "Adopting"
    MATURE = "mature", "Mature"
    AT_RISK = "at_risk", "At risk"
    CHURNED = "churned", "Churned"


class Role(models.TextChoices):
    """The portal's roles. Each is a Django group of the same name (created by a migration)."""

    CS_REP = "cs_rep", "CS rep"
    PRODUCT_MANAGER = "product_manager", "Product manager"
    PORTAL_ADMIN = "portal_admin", "Portal admin"


# Health bands: red < 40 ≤ yellow < 70 ≤ green.
HEALTH_YELLOW_FROM = 40
HEALTH_GREEN_FROM = 70
