"""Feedback pages: capture (with similar tickets while typing), my feedback, the ticket page,
triage and the tickets of a roadmap item. Thin: forms in, one service call, redirect or partial."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView
from django_filters.views import FilterView

from portal.csvexport import csv_response
from portal.errors import form_add_service_error
from portal.filterbar import FilterBarMixin
from portal.viewmixins import ServiceFormMixin
from roadmap.models import BetaProgram, RoadmapItem

from . import permissions, selectors, services
from .filtersets import FeedbackFilterSet
from .forms import (
    CreateItemForm,
    DuplicateForm,
    FeedbackForm,
    JoinForm,
    LinkItemForm,
    TriageForm,
)
from .models import FeedbackTicket, TicketAttachment
from .permissions import PredicateRequiredMixin, required
from .search import similar_tickets

# --- Capture ----------------------------------------------------------------------------------


class FeedbackCreateView(PredicateRequiredMixin, ServiceFormMixin, FormView):
    predicate = permissions.can_submit
    form_class = FeedbackForm
    template_name = "feedback/ticket_form.html"

    def get_initial(self):
        initial = super().get_initial()
        program_id = self.request.GET.get("beta_program", "")
        if program_id.isdigit():
            program = BetaProgram.objects.select_related("item").filter(pk=program_id).first()
            if program is not None:
                initial.update(beta_program=program.pk, product_area=program.item.product_area)
        if self.request.GET.get("account", "").isdigit():
            initial["account"] = self.request.GET["account"]
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        program_id = form["beta_program"].value()
        context["beta_program"] = (
            BetaProgram.objects.filter(pk=program_id).first()
            if str(program_id or "").isdigit()
            else None
        )
        title = form["title"].value() or ""
        context["similar"] = similar_tickets(FeedbackTicket.objects.for_lists(), title)
        context["title_query"] = title
        context["product_areas"] = selectors.product_areas()
        return context

    def perform(self, form):
        data = dict(form.cleaned_data)
        files = data.pop("attachments", [])
        return services.feedback_submit(
            account=data.pop("account"), submitter=self.request.user, files=files, **data
        )

    def get_success_message(self, form) -> str:
        return f"Thanks — feedback #{self.object.pk} for {self.object.account} is filed."


@required(permissions.can_view)
def similar(request):
    """The similar-tickets fragment shown while the title is typed (htmx)."""
    title = request.GET.get("title", "")
    return render(
        request,
        "feedback/partials/similar.html",
        {
            "similar": similar_tickets(FeedbackTicket.objects.for_lists(), title),
            "title_query": title,
            "account_id": request.GET.get("account", ""),
        },
    )


@required(permissions.can_join)
def join(request, pk):
    """ "Add my account to this one". htmx posts from the similar list answer with a fragment;
    without JavaScript a small page with the account picker does the same."""
    ticket = get_object_or_404(FeedbackTicket.objects.for_lists(), pk=pk)
    form = JoinForm(request.POST or None, initial={"note": request.GET.get("note", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.ticket_join(
                ticket=ticket,
                account=form.cleaned_data["account"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            text = f"{form.cleaned_data['account']} is now on #{ticket.pk} {ticket.title}."
            if request.htmx:
                return render(
                    request, "feedback/partials/joined.html", {"ticket": ticket, "text": text}
                )
            messages.success(request, text)
            return redirect(ticket)
    if request.htmx:
        return render(
            request, "feedback/partials/join_error.html", {"ticket": ticket, "form": form}
        )
    return render(request, "feedback/join.html", {"ticket": ticket, "form": form})


# --- Lists ------------------------------------------------------------------------------------


class MyFeedbackView(PredicateRequiredMixin, ListView):
    predicate = permissions.can_submit
    template_name = "feedback/mine.html"
    context_object_name = "tickets"
    paginate_by = 50

    def get_queryset(self):
        return selectors.tickets_mine(self.request.user)


class TriageView(PredicateRequiredMixin, FilterBarMixin, FilterView):
    """The PM's queue: new tickets oldest first unless the filters say otherwise."""

    predicate = permissions.can_triage
    filterset_class = FeedbackFilterSet
    template_name = "feedback/triage.html"
    context_object_name = "tickets"
    paginate_by = 50
    filter_bar_fields = [
        "q", "status", "category", "impact", "tier", "health_band", "product_area", "submitter",
        "created",
    ]  # fmt: skip
    filter_bar_sort = True
    filter_bar_results = "triage-results"
    filter_bar_noun = "ticket"
    filter_bar_blank_query = "q="  # the bare URL means "new tickets"

    def get_queryset(self):
        return selectors.tickets_for_triage().order_by("created_at", "id")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.GET:
            kwargs["data"] = {"status": ["new"]}
        return kwargs

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["feedback/partials/triage_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_query"] = self.request.GET.urlencode() or "status=new"
        return context


EXPORT_HEADER = [
    "id", "created", "status", "title", "account", "tier", "health", "arr", "accounts",
    "category", "impact", "source", "product_area", "submitter", "roadmap_item_id",
    "roadmap_item", "url",
]  # fmt: skip


@required(permissions.can_triage)
def triage_export(request):
    """The triage list, filtered the same way, as CSV (streamed)."""
    data = request.GET if request.GET else {"status": ["new"]}
    filterset = FeedbackFilterSet(
        data, queryset=selectors.tickets_for_triage().order_by("created_at", "id"), request=request
    )
    if not filterset.is_valid():
        raise Http404("Invalid filters.")
    rows = (
        [
            t.pk,
            t.created_at.isoformat(),
            t.status,
            t.title,
            t.account.name,
            t.account.tier,
            t.account.health_score,
            t.account.arr,
            "; ".join(link.account.name for link in t.ticket_accounts.all()),
            t.category,
            t.impact,
            t.source,
            t.product_area,
            t.submitter.username,
            t.roadmap_item_id or "",
            t.roadmap_item.title if t.roadmap_item else "",
            request.build_absolute_uri(t.get_absolute_url()),
        ]
        for t in filterset.qs.iterator(chunk_size=500)
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    return csv_response(filename=f"feedback-{stamp}.csv", header=EXPORT_HEADER, rows=rows)


@required(permissions.can_view)
def item_tickets(request, item_id):
    """Tickets linked to one roadmap item: a fragment for the item page, or a page of its own."""
    item = get_object_or_404(RoadmapItem, pk=item_id)
    tickets = list(selectors.tickets_for_item(item.pk))
    accounts = {link.account_id for t in tickets for link in t.ticket_accounts.all()}
    context = {"item": item, "tickets": tickets, "account_count": len(accounts)}
    template = (
        "feedback/partials/item_tickets.html" if request.htmx else "feedback/item_tickets.html"
    )
    return render(request, template, context)


# --- The ticket page and triage actions -------------------------------------------------------


def _ticket_context(request, ticket, **forms) -> dict:
    can = permissions.ticket_actions(request.user, ticket)
    context = {
        "ticket": ticket,
        "history": selectors.ticket_history(ticket),
        "can": can,
        "join_form": forms.get("join_form") or JoinForm(),
    }
    if can["triage"]:
        context.update(
            product_areas=selectors.product_areas(),
            triage_form=forms.get("triage_form") or TriageForm(ticket=ticket),
            duplicate_form=forms.get("duplicate_form") or DuplicateForm(),
            link_form=forms.get("link_form")
            or LinkItemForm(initial={"item": ticket.roadmap_item_id}),
            item_form=forms.get("item_form")
            or CreateItemForm(initial={"title": ticket.title, "product_area": ticket.product_area}),
        )
    return context


@required(permissions.can_view)
def ticket_detail(request, pk):
    try:
        ticket = selectors.ticket_for_page(pk)
    except FeedbackTicket.DoesNotExist as exc:
        raise Http404("No such ticket.") from exc
    return render(request, "feedback/ticket_detail.html", _ticket_context(request, ticket))


def _after_action(request, ticket, text: str | None = None, **forms):
    """Success: redirect (or the refreshed panel for htmx). Failure: the page with the form."""
    fresh = selectors.ticket_for_page(ticket.pk)
    if forms:
        context = _ticket_context(request, fresh, **forms)
        template = (
            "feedback/partials/ticket_main.html" if request.htmx else "feedback/ticket_detail.html"
        )
        return render(request, template, context, status=200 if request.htmx else 400)
    if request.htmx:
        context = _ticket_context(request, fresh)
        context["flash"] = text
        return render(request, "feedback/partials/ticket_main.html", context)
    if text:
        messages.success(request, text)
    return redirect(fresh)


def _triage_ticket(request, pk) -> FeedbackTicket:
    if not permissions.can_triage(request.user):
        raise PermissionDenied(permissions.TRIAGE_REFUSED)
    return get_object_or_404(FeedbackTicket, pk=pk)


@require_POST
def triage_ticket(request, pk):
    ticket = _triage_ticket(request, pk)
    form = TriageForm(request.POST, ticket=ticket)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.ticket_triage(
                ticket=ticket,
                actor=request.user,
                product_area=data["product_area"],
                category=data["category"],
                impact=data["impact"],
                status=data["status"] or None,
                declined_reason=data["declined_reason"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            return _after_action(request, ticket, f"#{ticket.pk} is triaged.")
    return _after_action(request, ticket, triage_form=form)


@require_POST
def mark_duplicate(request, pk):
    ticket = _triage_ticket(request, pk)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        kept = form.cleaned_data["kept"]
        try:
            services.ticket_mark_duplicate(ticket=ticket, kept=kept, actor=request.user)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"#{ticket.pk} is merged into #{kept.pk}.")
            if request.htmx:
                response = render(request, "feedback/partials/empty.html")
                response["HX-Redirect"] = kept.get_absolute_url()
                return response
            return redirect(kept)
    return _after_action(request, ticket, duplicate_form=form)


@require_POST
def link_item(request, pk):
    ticket = _triage_ticket(request, pk)
    form = LinkItemForm(request.POST)
    if form.is_valid():
        item = form.cleaned_data["item"]
        services.ticket_link_item(ticket=ticket, item=item, actor=request.user)
        text = f"#{ticket.pk} is linked to {item}." if item else f"#{ticket.pk} is unlinked."
        return _after_action(request, ticket, text)
    return _after_action(request, ticket, link_form=form)


@require_POST
def create_item(request, pk):
    ticket = _triage_ticket(request, pk)
    if not permissions.can_create_item(request.user, ticket):
        raise PermissionDenied(permissions.CREATE_ITEM_REFUSED)
    form = CreateItemForm(request.POST)
    if form.is_valid():
        try:
            item = services.ticket_create_item(
                ticket=ticket, actor=request.user, owner=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            return _after_action(request, ticket, f"Roadmap item #{item.pk} {item} is created.")
    return _after_action(request, ticket, item_form=form)


@required(permissions.can_view_evidence)
def attachment(request, pk):
    """Evidence is served through this view (permission-checked), never straight from media."""
    evidence = get_object_or_404(TicketAttachment.objects.select_related("ticket"), pk=pk)
    if not permissions.can_view_evidence(request.user, evidence):
        raise PermissionDenied
    # Always a download (an <img> still shows it): the browser never renders the bytes as a page
    # of ours, and the sandbox CSP stops script even if one tried.
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.download_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
