"""Pages for integration maps: list, checklist board, point page, upload → preview → apply,
exports, and the in-place (htmx) criterion actions. Thin: selectors read, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
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

from . import selectors, services
from .exporter import map_to_csv, map_to_markdown
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

VIEW_PERM = "integrations.view_integrationmap"


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


class MapListView(PermissionRequiredMixin, ListView):
    permission_required = VIEW_PERM
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


@permission_required(VIEW_PERM, raise_exception=True)
def map_detail(request, pk):
    """The checklist board: filters, phase timeline, points by phase then section, KPIs."""
    imap = get_object_or_404(IntegrationMap, pk=pk)
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
    }
    template = "integrations/maps/map_detail.html"
    if request.htmx and request.htmx.target == "board":
        template = "integrations/maps/partials/board.html"
    return render(request, template, context)


def _annotated_point(pk):
    point = get_object_or_404(IntegrationPoint.objects.select_related("map"), pk=pk)
    imap = point.map
    point = (
        selectors.points_with_progress(imap)
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=AcceptanceCriterion.objects.select_related("done_by", "verified_by"),
            ),
            "links",
        )
        .get(pk=pk)
    )
    point.map = imap
    point.progress = selectors.progress_of(point)
    return point


@permission_required(VIEW_PERM, raise_exception=True)
def point_detail(request, pk):
    point = _annotated_point(pk)
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
        },
    )


def _criterion_response(request, criterion, *, tick_form=None, untick_form=None, error=None):
    """htmx: the criterion row plus the point's progress (out of band); otherwise the point page."""
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"{criterion.point.get_absolute_url()}#criterion-{criterion.pk}")
    point = _annotated_point(criterion.point_id)
    criterion = next(c for c in point.criteria.all() if c.pk == criterion.pk)
    return render(
        request,
        "integrations/maps/partials/criterion_swap.html",
        {
            "point": point,
            "c": criterion,
            "tick_form": tick_form,
            "untick_form": untick_form,
            "error": error,
        },
    )


@require_POST
@permission_required("integrations.change_acceptancecriterion", raise_exception=True)
def criterion_tick(request, pk):
    criterion = get_object_or_404(AcceptanceCriterion.objects.select_related("point"), pk=pk)
    form = TickForm(request.POST)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _criterion_response(request, criterion, tick_form=form)
    try:
        services.criterion_tick(criterion=criterion, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _criterion_response(request, criterion, error=_errors(exc))
    if not request.htmx:
        messages.success(request, "Criterion ticked.")
    return _criterion_response(request, criterion)


@require_POST
@permission_required("integrations.verify_acceptancecriterion", raise_exception=True)
def criterion_verify(request, pk):
    criterion = get_object_or_404(AcceptanceCriterion.objects.select_related("point"), pk=pk)
    try:
        services.criterion_verify(criterion=criterion, actor=request.user)
    except ValidationError as exc:
        return _criterion_response(request, criterion, error=_errors(exc))
    if not request.htmx:
        messages.success(request, "Criterion verified.")
    return _criterion_response(request, criterion)


@require_POST
@permission_required("integrations.change_acceptancecriterion", raise_exception=True)
def criterion_untick(request, pk):
    criterion = get_object_or_404(AcceptanceCriterion.objects.select_related("point"), pk=pk)
    form = UntickForm(request.POST)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, "Say why the criterion is no longer met.")
        return _criterion_response(request, criterion, untick_form=form)
    try:
        services.criterion_untick(
            criterion=criterion, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _criterion_response(request, criterion, error=_errors(exc))
    if not request.htmx:
        messages.success(request, "Criterion un-ticked.")
    return _criterion_response(request, criterion)


@require_POST
@permission_required("integrations.change_integrationpoint", raise_exception=True)
def point_owner(request, pk):
    point = get_object_or_404(IntegrationPoint, pk=pk)
    form = OwnerTeamForm(request.POST)
    if form.is_valid():
        services.point_set_owner_team(
            point=point, actor=request.user, owner_team=form.cleaned_data["owner_team"]
        )
        messages.success(request, "Owner team saved.")
    else:
        messages.error(request, "The owner team is at most 120 characters.")
    return redirect(point)


@require_POST
@permission_required("integrations.change_integrationmap", raise_exception=True)
def map_cycle_start(request, pk):
    imap = get_object_or_404(IntegrationMap, pk=pk)
    form = CycleStartForm(request.POST)
    if form.is_valid():
        services.map_set_cycle_start(
            imap=imap, actor=request.user, cycle_start=form.cleaned_data["cycle_start"]
        )
        messages.success(request, "Cycle start saved; phase due dates follow it.")
    else:
        messages.error(request, "Enter the cycle start as a date (YYYY-MM-DD).")
    return redirect(imap)


@require_POST
@permission_required("integrations.change_kpitarget", raise_exception=True)
def kpi_measure(request, pk):
    kpi = get_object_or_404(KpiTarget.objects.select_related("map"), pk=pk)
    form = KpiMeasureForm(request.POST)
    if form.is_valid():
        services.kpi_record(
            kpi=kpi, actor=request.user, measured_value=form.cleaned_data["measured_value"]
        )
        messages.success(request, f"Measured value of {kpi.name} saved.")
    else:
        messages.error(request, f"{kpi.name}: enter a number (e.g. 87.5).")
    return redirect(f"{kpi.map.get_absolute_url()}#kpis")


@require_http_methods(["GET", "POST"])
@permission_required("integrations.add_integrationmap", raise_exception=True)
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
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(pending)
    return render(request, "integrations/maps/map_upload.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("integrations.add_integrationmap", raise_exception=True)
def map_import_preview(request, pk):
    pending = get_object_or_404(
        PendingMapImport.objects.select_related("target_map", "applied_map"), pk=pk
    )
    if request.method == "POST":
        try:
            imap, report = services.map_import_apply(pending=pending, actor=request.user)
        except (ValidationError, MapParseError) as exc:
            messages.error(request, str(exc) if isinstance(exc, MapParseError) else _errors(exc))
            return redirect(pending)
        messages.success(
            request,
            f"Imported {pending.source_name}: {len(report.points_added)} points added, "
            f"{len(report.points_changed)} changed, {len(report.points_removed)} archived.",
        )
        return redirect(imap)
    return render(
        request,
        "integrations/maps/import_preview.html",
        {"pending": pending, "report": pending.report},
    )


@permission_required(VIEW_PERM, raise_exception=True)
def map_export(request, pk, fmt):
    imap = get_object_or_404(IntegrationMap, pk=pk)
    name = slugify(imap.title) or f"map-{imap.pk}"
    if fmt == "csv":
        response = HttpResponse(map_to_csv(imap), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(map_to_markdown(imap), content_type="text/markdown; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.md"'
    return response
