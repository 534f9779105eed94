"""The sync page and the connector actions: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, TemplateView

from integrations.models import Connection, ConnectionKind, Delivery, DeliveryStatus, SyncRun
from roadmap.models import RoadmapItem

from . import selectors, services
from .analytics.sync import AnalyticsImportSyncer
from .forms import AnalyticsImportForm, ConnectionForm
from .outbound.deliveries import delivery_redeliver
from .runs import RunAlreadyActive


class SyncPageView(PermissionRequiredMixin, TemplateView):
    permission_required = "integrations.view_syncrun"
    template_name = "integrations/connectors/sync.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("deliveries")
        status = status if status in DeliveryStatus.values else None
        counts = selectors.delivery_counts()
        context.update(
            connections=selectors.connections_with_last_runs(),
            runs=selectors.recent_runs(),
            deliveries=selectors.deliveries_for_page(status=status),
            delivery_filter=status,
            delivery_statuses=[(v, label, counts[v]) for v, label in DeliveryStatus.choices],
        )
        return context


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


class ConnectionFormView(PermissionRequiredMixin, FormView):
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
        return context

    def form_valid(self, form):
        try:
            connection = services.connection_save(connection=form.instance, actor=self.request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.form_invalid(form)
        messages.success(self.request, f"Saved {connection.name}.")
        return redirect("integrations:sync")


def _webhook_url(request, connection) -> str | None:
    names = {ConnectionKind.JIRA: "hook-jira", ConnectionKind.ANALYTICS: "hook-analytics"}
    if connection.kind not in names:
        return None
    return request.build_absolute_uri(reverse(names[connection.kind], args=[connection.pk]))


@require_POST
@permission_required("integrations.change_connection", raise_exception=True)
def sync_now(request, pk: int):
    connection = get_object_or_404(Connection, pk=pk)
    try:
        run = services.connection_sync_now(connection=connection, actor=request.user)
    except RunAlreadyActive as exc:
        messages.info(request, str(exc))
    except (ValidationError, ValueError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
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
    name = default_storage.save(
        AnalyticsImportSyncer.stored_name(connection.pk, upload.name), upload
    )
    try:
        run = services.analytics_import_start(
            connection=connection, name=name, size=upload.size, actor=request.user
        )
    except RunAlreadyActive as exc:
        default_storage.delete(name)
        messages.info(request, f"{exc} Try the import again when it has finished.")
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


@require_POST
@permission_required("integrations.create_jira_issue", raise_exception=True)
def jira_create(request, item_id: int):
    item = get_object_or_404(RoadmapItem, pk=item_id)
    try:
        item = services.jira_issue_create_for_item(item=item, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Created Jira issue {item.jira_key}.")
    return redirect(services.item_url(item))
