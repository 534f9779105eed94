"""The history of the integration-map KPI targets: every value recorded, not only the last."""

from django.conf import settings
from django.db import models

from .maps import KpiTarget

__all__ = ["KpiMeasurement"]


class KpiMeasurement(models.Model):
    """One value recorded for an integration-map KPI target (``kpi_record`` writes one each time).

    Also carries the permission of the KPI page (``integrations.view_kpis``)."""

    kpi = models.ForeignKey(KpiTarget, on_delete=models.CASCADE, related_name="measurements")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    measured_at = models.DateTimeField(db_index=True)
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["kpi", "measured_at", "id"]
        verbose_name = "KPI measurement"
        permissions = [("view_kpis", "Can view the KPI page")]

    def __str__(self) -> str:
        return f"{self.kpi_id} @ {self.measured_at:%Y-%m-%d}: {self.value}"
