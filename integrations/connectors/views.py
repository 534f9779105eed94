"""The sync page and the connector actions: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import DetailView, FormView, TemplateView

from integrations.models import Connection, ConnectionKind, Delivery, DeliveryStatus, SyncRun
from portal.csvexport import csv_response
from portal.errors import service_error_messages
from portal.filterbar import filter_bar_for, filtered_rows
from portal.viewmixins import ServiceFormMixin

from . import selectors, services
from .filtersets import SyncRunFilterSet
from .forms import AnalyticsImportForm, ConnectionForm
from .outbound.deliveries import delivery_redeliver
from .runs import RunAlreadyActive

JIRA_PANEL = "integrations/connectors/panels/item_jira.html"


class SyncPageView(PermissionRequiredMixin, TemplateView):
    permission_required = "integrations.view_syncrun"
    template_name = "integrations/connectors/sync.html"
    runs_per_page = 20

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "runs":
            _, runs = self._filtered_runs()
            return csv_response(
                filename="sync-runs.csv",
                header=RUN_CSV_HEADER,
                rows=(_run_row(run) for run in runs.iterator(chunk_size=500)),
            )
        return super().get(request, *args, **kwargs)

    def _filtered_runs(self):
        filterset = SyncRunFilterSet(
            self.request.GET, queryset=selectors.runs_for_list(), request=self.request
        )
        # An unknown connection or status shows no run (and the bar says which filter is on).
        return filterset, filtered_rows(filterset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("deliveries")
        status = status if status in DeliveryStatus.values else None
        counts = selectors.delivery_counts()
        filterset, runs = self._filtered_runs()
        runs = Paginator(runs, self.runs_per_page).get_page(self.request.GET.get("page"))
        context.update(
            connections=selectors.connections_with_last_runs(),
            runs=runs,
            page_obj=runs,
            paginator=runs.paginator,
            is_paginated=runs.paginator.num_pages > 1,
            bar=filter_bar_for(
                self.request,
                filterset,
                count=runs.paginator.count,
                export_url="?export=runs",
                results_id="run-results",
                noun="run",
            ),
            deliveries=selectors.deliveries_for_page(status=status),
            delivery_filter=status,
            delivery_statuses=[(v, label, counts[v]) for v, label in DeliveryStatus.choices],
            reports=selectors.recent_reports(),
            held_events=selectors.held_events_for_page(),
        )
        return context


RUN_CSV_HEADER = [
    "Run", "Connection", "Kind", "Status", "Created", "Started", "Finished", "Pages",
    "Created rows", "Updated rows", "Unchanged rows", "Failed rows", "Triggered by", "Error",
]  # fmt: skip


def _run_row(run: SyncRun) -> list:
    return [
        run.pk,
        run.connection.name,
        run.get_kind_display(),
        run.get_status_display(),
        run.created_at.isoformat(),
        run.started_at.isoformat() if run.started_at else "",
        run.finished_at.isoformat() if run.finished_at else "",
        run.pages,
        run.created,
        run.updated,
        run.unchanged,
        run.failed,
        run.triggered_by or "schedule",
        run.error,
    ]


@permission_required("integrations.view_syncrun", raise_exception=True)
def connection_status(request, pk: int):
    """The htmx poll of one connection's row while a run is active."""
    connection = get_object_or_404(Connection, pk=pk)
    connection = selectors.connection_with_last_run(connection.pk)
    return render(
        request, "integrations/connectors/partials/connection_row.html", {"c": connection}
    )


class RunDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "integrations.view_syncrun"
    template_name = "integrations/connectors/run_detail.html"
    context_object_name = "run"
    queryset = SyncRun.objects.select_related("connection", "triggered_by")


class ConnectionFormView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    template_name = "integrations/connectors/connection_form.html"
    form_class = ConnectionForm
    connection = None

    def get_permission_required(self):
        return [
            "integrations.change_connection"
            if "pk" in self.kwargs
            else "integrations.add_connection"
        ]

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.connection = get_object_or_404(Connection, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.connection
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["connection"] = self.connection
        if self.connection is not None:
            context["runs"] = selectors.recent_runs(connection=self.connection, limit=10)
            context["webhook_url"] = _webhook_url(self.request, self.connection)
            context["settings_summary"] = self.connection.connector.settings_summary(
                self.connection.settings if isinstance(self.connection.settings, dict) else {}
            )
        return context

    success_message = "Saved {object.name}."

    def perform(self, form):
        return services.connection_save(connection=form.instance, actor=self.request.user)

    def get_success_url(self) -> str:
        return reverse("integrations:sync")


def _webhook_url(request, connection) -> str | None:
    name = connection.connector.webhook_url_name
    if name is None:
        return None
    return request.build_absolute_uri(reverse(name, args=[connection.pk]))


@require_POST
@permission_required("integrations.change_connection", raise_exception=True)
def sync_now(request, pk: int):
    connection = get_object_or_404(Connection, pk=pk)
    try:
        run = services.connection_sync_now(connection=connection, actor=request.user)
    except RunAlreadyActive as exc:
        messages.info(request, str(exc))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(service_error_messages(exc)))
    else:
        messages.success(request, f"Sync of {connection.name} queued (run #{run.pk}).")
    if request.htmx:
        connection = selectors.connection_with_last_run(connection.pk)
        return render(
            request, "integrations/connectors/partials/connection_row.html", {"c": connection}
        )
    return redirect("integrations:sync")


@require_POST
@permission_required("integrations.add_syncrun", raise_exception=True)
def analytics_import(request, pk: int):
    connection = get_object_or_404(Connection, pk=pk, kind=ConnectionKind.ANALYTICS)
    form = AnalyticsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, f"Import into {connection.name}: {error}")
        return redirect("integrations:sync")
    upload = form.cleaned_data["file"]
    try:
        run = services.analytics_import_upload(
            connection=connection, upload=upload, actor=request.user
        )
    except RunAlreadyActive as exc:
        messages.info(request, f"{exc} Try the import again when it has finished.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(service_error_messages(exc)))
    else:
        messages.success(request, f"Import of {upload.name} queued (run #{run.pk}).")
    return redirect("integrations:sync")


@require_POST
@permission_required("integrations.change_delivery", raise_exception=True)
def redeliver(request, pk: int):
    delivery = get_object_or_404(Delivery.objects.select_related("connection"), pk=pk)
    delivery = delivery_redeliver(delivery=delivery, actor=request.user)
    messages.success(
        request, f"{delivery.topic} to {delivery.connection.name} queued for redelivery."
    )
    return redirect(reverse("integrations:sync") + "#deliveries")


def _jira_panel(request, item, errors=()):
    return render(request, JIRA_PANEL, {"object": item, "user": request.user, "errors": errors})


@require_POST
@permission_required("integrations.create_jira_issue", raise_exception=True)
def jira_create(request, item_id: int):
    """Ask for the item's Jira issue; a task creates it. htmx swaps the panel ("creating…", which
    polls :func:`jira_status`); without htmx, back to the item page, which shows the same panel."""
    item = get_object_or_404(services.jira_items(), pk=item_id)
    errors: list[str] = []
    try:
        services.jira_issue_request(item=item, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        errors = service_error_messages(exc)
    if request.htmx:
        return _jira_panel(request, get_object_or_404(services.jira_items(), pk=item_id), errors)
    for error in errors:
        messages.error(request, error)
    if not errors:
        messages.info(request, "Creating the Jira issue…")
    return redirect(services.item_url(item))


@require_GET
@permission_required("integrations.create_jira_issue", raise_exception=True)
def jira_status(request, item_id: int):
    """The htmx poll of the item's Jira panel while its issue is being created."""
    return _jira_panel(request, get_object_or_404(services.jira_items(), pk=item_id))
