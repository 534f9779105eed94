"""The KPI page: each seed KPI with its definition, numbers, weekly chart, table and CSV."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

from portal.charts import Series, bar_chart, line_chart
from portal.csvexport import csv_response

from .forms import KpiRangeForm
from .selectors import CACHE_SECONDS, kpi_report

PERM = "integrations.view_kpis"


def _chart(kpi):
    draw = bar_chart if kpi.chart_kind == "bar" else line_chart
    series = [Series(label, values) for label, values in kpi.series]
    percent = kpi.unit == "percent"
    if kpi.key == "linkage":
        # Correlations run from -1 to 1; bars start at 0 (the table has the signed values).
        series = [
            Series(s.label, [None if v is None else max(0.0, v) for v in s.values]) for s in series
        ]
        percent = False
    return draw(
        title=kpi.finding,
        x_labels=kpi.x_labels,
        series=series,
        y_label=kpi.y_label,
        percent=percent,
        y_max=1.0 if kpi.unit == "percent" else None,
    )


def _map_kpi_chart(kpi: dict):
    history = kpi["history"]
    series = [Series("Measured", [h["value"] for h in history])]
    if kpi["target_value"] is not None:
        series.append(Series("Target", [kpi["target_value"]] * len(history)))
    return line_chart(
        title=f"{kpi['name']}: {len(history)} measurement{'s' if len(history) != 1 else ''}",
        x_labels=[h["at"] for h in history],
        series=series,
        y_label=kpi["unit"] or "value",
    )


class KpiView(PermissionRequiredMixin, TemplateView):
    permission_required = PERM
    template_name = "integrations/kpis/page.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = KpiRangeForm(self.request.GET or None)
        since, until = form.range()
        report = kpi_report(since=since, until=until)
        for kpi in report["kpis"]:
            kpi.chart = _chart(kpi)
        for kpi in report["map_kpis"]:
            kpi["chart"] = _map_kpi_chart(kpi) if kpi["history"] else None
        context.update(
            form=form,
            report=report,
            query=f"since={since.isoformat()}&until={until.isoformat()}",
            cache_minutes=CACHE_SECONDS // 60,
        )
        return context


@permission_required(PERM, raise_exception=True)
def kpi_csv(request, key: str):
    """The numbers behind one chart, for the range in the query string."""
    since, until = KpiRangeForm(request.GET or None).range()
    report = kpi_report(since=since, until=until)
    suffix = f"{since.isoformat()}_{until.isoformat()}"
    if key == "map-kpis":
        rows = (
            [k["map"], k["name"], k["target"], h["at"], h["value"]]
            for k in report["map_kpis"]
            for h in k["history"]
        )
        return csv_response(
            filename=f"kpi-map-targets_{suffix}.csv",
            header=["map", "kpi", "target", "measured on", "value"],
            rows=rows,
        )
    kpi = next((k for k in report["kpis"] if k.key == key), None)
    if kpi is None:
        raise Http404("No such KPI.")
    return csv_response(filename=f"kpi-{key}_{suffix}.csv", header=kpi.header, rows=kpi.rows)
