"""Pages for integration maps: list, checklist board, point page, upload → preview → apply,
exports, and the in-place (htmx) actions. Thin: selectors read, services write, and a rejected
action re-renders its form (or htmx fragment) with the user's input and the message at the field
(``portal.errors``)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from integrations.models import (
    AcceptanceCriterion,
    IntegrationMap,
    IntegrationPoint,
    KpiTarget,
    PendingMapImport,
)
from portal.csvexport import csv_response
from portal.errors import form_add_service_error, service_error_messages

from . import permissions, selectors, services
from .exporter import CSV_COLUMNS, map_csv_rows, map_to_markdown
from .filtersets import IntegrationPointFilterSet
from .forms import (
    CycleStartForm,
    KpiMeasureForm,
    MapUploadForm,
    OwnerTeamForm,
    TickForm,
    UntickForm,
)
from .parser import MapParseError

SERVICE_ERRORS = (ValidationError, PermissionDenied)


class MapListView(PermissionRequiredMixin, ListView):
    permission_required = permissions.VIEW_PERM
    template_name = "integrations/maps/map_list.html"
    context_object_name = "maps"
    paginate_by = 50

    def get_queryset(self):
        return selectors.maps_for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for m in context["maps"]:
            m.progress = selectors.Progress(m.criteria_total, m.criteria_done, m.criteria_verified)
        return context


# --- the board -------------------------------------------------------------------------------


def _map_page(request, imap: IntegrationMap, *, cycle_form=None, kpi_form=None):
    """The checklist board: filters, phase timeline, points by phase then section, KPIs. A
    rejected cycle-start or KPI form is shown with the user's input and its messages."""
    today = timezone.localdate()
    points = selectors.points_with_progress(imap, today=today)
    filterset = IntegrationPointFilterSet(request.GET or None, points, imap=imap)
    shown = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else points.filter(archived=False)
    )
    phases, total = selectors.board(imap, list(shown), today=today)
    context = {
        "map": imap,
        "filterset": filterset,
        "phases": phases,
        "total": total,
        "timeline": [p for p in phases if p.phase is not None],
        "kpis": list(imap.kpis.select_related("measured_by")),
        "today": today,
        "filtered": bool(request.GET),
        "cycle_form": cycle_form or CycleStartForm(instance=imap),
        "kpi_form": kpi_form,
    }
    template = "integrations/maps/map_detail.html"
    if request.htmx and request.htmx.target == "board":
        template = "integrations/maps/partials/board.html"
    return render(request, template, context)


@permission_required(permissions.VIEW_PERM, raise_exception=True)
def map_detail(request, pk):
    return _map_page(request, get_object_or_404(IntegrationMap, pk=pk))


@require_POST
@permission_required(permissions.MAP_SETTINGS_PERM, raise_exception=True)
def map_cycle_start(request, pk):
    imap = get_object_or_404(IntegrationMap, pk=pk)
    form = CycleStartForm(request.POST, instance=imap)
    if form.is_valid():
        try:
            services.map_set_cycle_start(
                imap=imap, actor=request.user, cycle_start=form.cleaned_data["cycle_start"]
            )
        except SERVICE_ERRORS as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, "Cycle start saved; phase due dates follow it.")
            return redirect(imap)
    return _map_page(request, get_object_or_404(IntegrationMap, pk=pk), cycle_form=form)


@require_POST
@permission_required(permissions.KPI_PERM, raise_exception=True)
def kpi_measure(request, pk):
    kpi = get_object_or_404(KpiTarget.objects.select_related("map"), pk=pk)
    form = KpiMeasureForm(request.POST, instance=kpi)
    if form.is_valid():
        try:
            kpi = services.kpi_record(
                kpi=kpi, actor=request.user, measured_value=form.cleaned_data["measured_value"]
            )
        except SERVICE_ERRORS as exc:
            form_add_service_error(form, exc)
        else:
            if request.htmx:
                kpi = KpiTarget.objects.select_related("measured_by").get(pk=kpi.pk)
                return render(request, "integrations/maps/partials/kpi_row.html", {"k": kpi})
            messages.success(request, f"Measured value of {kpi.name} saved.")
            return redirect(f"{kpi.map.get_absolute_url()}#kpis")
    if request.htmx:
        kpi = KpiTarget.objects.select_related("measured_by").get(pk=kpi.pk)
        return render(
            request, "integrations/maps/partials/kpi_row.html", {"k": kpi, "kpi_form": form}
        )
    return _map_page(request, kpi.map, kpi_form=form)


# --- the point page and its criterion actions --------------------------------------------------


def _point_page(request, point, *, owner_form=None, rejected=None):
    due = point.phase.due_on(point.map.cycle_start) if point.phase else None
    return render(
        request,
        "integrations/maps/point_detail.html",
        {
            "point": point,
            "map": point.map,
            "criteria": list(point.criteria.all()),
            "due_on": due,
            "history": selectors.point_history(point),
            "owner_form": owner_form or OwnerTeamForm(instance=point),
            "rejected": rejected,
        },
    )


@permission_required(permissions.VIEW_PERM, raise_exception=True)
def point_detail(request, pk):
    return _point_page(request, selectors.point_for_page(pk))


@require_POST
@permission_required(permissions.POINT_OWNER_PERM, raise_exception=True)
def point_owner(request, pk):
    point = get_object_or_404(IntegrationPoint, pk=pk)
    form = OwnerTeamForm(request.POST, instance=point)
    if form.is_valid():
        try:
            services.point_set_owner_team(
                point=point, actor=request.user, owner_team=form.cleaned_data["owner_team"]
            )
        except SERVICE_ERRORS as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, "Owner team saved.")
            return redirect(point)
    return _point_page(request, selectors.point_for_page(pk), owner_form=form)


def _criterion_response(request, criterion, *, tick_form=None, untick_form=None, errors=()):
    """After an action on a criterion. htmx: the criterion row plus the point's progress and
    status (out of band). Otherwise: on success back to the point page; when rejected, the point
    page itself with this row's form, the user's input and the messages."""
    rejected = bool(errors) or any(f is not None and f.errors for f in (tick_form, untick_form))
    if not request.htmx and not rejected:
        return redirect(f"{criterion.point.get_absolute_url()}#criterion-{criterion.pk}")
    point = selectors.point_for_page(criterion.point_id)
    row = {"tick_form": tick_form, "untick_form": untick_form, "errors": list(errors)}
    if not request.htmx:
        return _point_page(request, point, rejected={"pk": criterion.pk, **row})
    criterion = next(c for c in point.criteria.all() if c.pk == criterion.pk)
    context = {"point": point, "c": criterion, "history": selectors.point_history(point), **row}
    return render(request, "integrations/maps/partials/criterion_swap.html", context)


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _criterion(pk) -> AcceptanceCriterion:
    return get_object_or_404(AcceptanceCriterion.objects.select_related("point"), pk=pk)


@require_POST
@permission_required(permissions.TICK_PERM, raise_exception=True)
def criterion_tick(request, pk):
    criterion = _criterion(pk)
    form = TickForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_tick(criterion=criterion, actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"Ticked: “{_short(criterion.text)}”.")
            return _criterion_response(request, criterion)
    return _criterion_response(request, criterion, tick_form=form)


@require_POST
@permission_required(permissions.VERIFY_PERM, raise_exception=True)
def criterion_verify(request, pk):
    criterion = _criterion(pk)
    try:
        services.criterion_verify(criterion=criterion, actor=request.user)
    except SERVICE_ERRORS as exc:
        return _criterion_response(request, criterion, errors=service_error_messages(exc))
    messages.success(request, f"Verified: “{_short(criterion.text)}”.")
    return _criterion_response(request, criterion)


@require_POST
@permission_required(permissions.TICK_PERM, raise_exception=True)
def criterion_untick(request, pk):
    criterion = _criterion(pk)
    form = UntickForm(request.POST)
    if form.is_valid():
        try:
            services.criterion_untick(
                criterion=criterion, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except SERVICE_ERRORS as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"Un-ticked: “{_short(criterion.text)}”.")
            return _criterion_response(request, criterion)
    return _criterion_response(request, criterion, untick_form=form)


# --- import and export -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(permissions.IMPORT_PERM, raise_exception=True)
def map_upload(request):
    form = MapUploadForm(
        request.POST or None, request.FILES or None, initial={"target": request.GET.get("target")}
    )
    if request.method == "POST" and form.is_valid():
        document = form.cleaned_data["document"]
        try:
            pending = services.map_import_preview(
                actor=request.user,
                data=document.read(),
                source_name=document.name,
                target=form.cleaned_data["target"],
                cycle_start=form.cleaned_data["cycle_start"],
            )
        except MapParseError as exc:
            form.add_error("document", f"{document.name}, {exc}")
        except SERVICE_ERRORS as exc:
            form_add_service_error(form, exc)
        else:
            return redirect(pending)
    return render(request, "integrations/maps/map_upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required(permissions.IMPORT_PERM, raise_exception=True)
def map_import_preview(request, pk):
    pending = get_object_or_404(
        PendingMapImport.objects.select_related("target_map", "applied_map"), pk=pk
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            imap, report = services.map_import_apply(pending=pending, actor=request.user)
        except MapParseError as exc:
            errors = [str(exc)]
        except SERVICE_ERRORS as exc:
            errors = service_error_messages(exc)
        else:
            messages.success(
                request,
                f"Imported {pending.source_name}: {len(report.points_added)} points added, "
                f"{len(report.points_changed)} changed, {len(report.points_removed)} archived.",
            )
            return redirect(imap)
        pending.refresh_from_db()
    return render(
        request,
        "integrations/maps/import_preview.html",
        {"pending": pending, "report": pending.report, "errors": errors},
    )


@permission_required(permissions.VIEW_PERM, raise_exception=True)
def map_export(request, pk, fmt):
    imap = get_object_or_404(IntegrationMap, pk=pk)
    name = slugify(imap.title) or f"map-{imap.pk}"
    if fmt == "csv":
        return csv_response(filename=f"{name}.csv", header=CSV_COLUMNS, rows=map_csv_rows(imap))
    response = HttpResponse(map_to_markdown(imap), content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.md"'
    return response
