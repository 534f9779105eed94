"""Feedback pages: capture (with similar tickets while typing), my feedback, the ticket page,
triage and the tickets of a roadmap item. Thin: forms in, one service call, redirect or partial."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import FormView, ListView
from django_filters.views import FilterView

from portal.csvexport import csv_response
from portal.errors import form_add_service_error
from portal.filterbar import FilterBarMixin, filtered_rows
from portal.flash import flash_undo
from portal.viewmixins import ServiceFormMixin
from roadmap.models import BetaProgram, RoadmapItem

from . import permissions, selectors, services, triage
from .choices import TicketStatus
from .filtersets import FeedbackFilterSet
from .forms import (
    BulkForm,
    CreateItemForm,
    DeclineForm,
    DuplicateForm,
    FeedbackForm,
    JoinForm,
    LinkItemForm,
    TriageForm,
)
from .models import FeedbackTicket, TicketAttachment, TriageAction
from .permissions import PredicateRequiredMixin, required
from .search import similar_tickets, suggested_duplicates, suggested_items
from .triage import BULK_LIMIT

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

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

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
    form = JoinForm(
        request.POST or None, user=request.user, initial={"note": request.GET.get("note", "")}
    )
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
        # The page's ticket order: "save and next" opens the row after the saved one.
        context["order"] = ",".join(str(t.pk) for t in context["tickets"])
        context["bulk_form"] = BulkForm()
        context["bulk_limit"] = BULK_LIMIT
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
    # A refused value (a tampered choice) downloads no rows, as the list shows none.
    tickets = filtered_rows(filterset)
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
        for t in tickets.iterator(chunk_size=500)
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
        "join_form": forms.get("join_form") or JoinForm(user=request.user),
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
            suggested_items=suggested_items(ticket),
            suggested_duplicates=suggested_duplicates(ticket) if can["merge"] else [],
        )
    return context


@required(permissions.can_view)
def ticket_detail(request, pk):
    try:
        ticket = selectors.ticket_for_page(pk)
    except FeedbackTicket.DoesNotExist as exc:
        raise Http404("No such ticket.") from exc
    return render(request, "feedback/ticket_detail.html", _ticket_context(request, ticket))


def _after_action(request, ticket, text: str | None = None, *, undo_url: str = "", **forms):
    """Success: the message (with "Undo" after a decline) and a redirect, or the refreshed panel
    for htmx. Failure: the page with the form."""
    fresh = selectors.ticket_for_page(ticket.pk)
    if forms:
        context = _ticket_context(request, fresh, **forms)
        template = (
            "feedback/partials/ticket_main.html" if request.htmx else "feedback/ticket_detail.html"
        )
        return render(request, template, context, status=200 if request.htmx else 400)
    if text and undo_url:
        flash_undo(request, text, undo_url=undo_url)
    elif text:
        messages.success(request, text)
    if request.htmx:
        return render(
            request, "feedback/partials/ticket_main.html", _ticket_context(request, fresh)
        )
    return redirect(fresh)


def _triage_ticket(request, pk) -> FeedbackTicket:
    if not permissions.can_triage(request.user):
        raise PermissionDenied(permissions.TRIAGE_REFUSED)
    return get_object_or_404(FeedbackTicket, pk=pk)


def _triage_with(form, *, ticket, actor):
    """The triage service with a valid ``TriageForm``'s data (the ticket page and the queue)."""
    data = form.cleaned_data
    return services.ticket_triage(
        ticket=ticket,
        actor=actor,
        product_area=data["product_area"],
        category=data["category"],
        impact=data["impact"],
        status=data["status"] or None,
        declined_reason=data["declined_reason"],
    )


@require_POST
def triage_ticket(request, pk):
    ticket = _triage_ticket(request, pk)
    form = TriageForm(request.POST, ticket=ticket)
    if form.is_valid():
        try:
            done = _triage_with(form, ticket=ticket, actor=request.user)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            text = f"#{ticket.pk} is {done.get_status_display().lower()}."
            return _after_action(request, ticket, text, undo_url=_undo_url(done))
    return _after_action(request, ticket, triage_form=form)


@require_POST
def mark_duplicate(request, pk):
    ticket = _triage_ticket(request, pk)
    form = DuplicateForm(request.POST)
    if form.is_valid():
        kept = form.cleaned_data["kept"]
        try:
            done = services.ticket_mark_duplicate(ticket=ticket, kept=kept, actor=request.user)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            flash_undo(
                request, f"#{ticket.pk} is merged into #{kept.pk}.", undo_url=_undo_url(done)
            )
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


# --- Triage in a flow: the queue's inline panel, bulk actions, undo -----------------------------


def _order(request) -> list[int]:
    raw = request.POST.get("order") if request.method == "POST" else request.GET.get("order")
    return [int(pk) for pk in (raw or "").split(",") if pk.isdigit()][:500]


def _queue_row(request, pk, *, open_panel=False, oob=False, order=None, **forms) -> str:
    """One ticket's row of the queue (a ``<tbody>``), its panel open or closed."""
    ticket = selectors.tickets_for_triage().get(pk=pk)
    order = order if order is not None else _order(request)
    context = {"t": ticket, "open": open_panel, "oob": oob, "order": ",".join(map(str, order))}
    if pk in order and order.index(pk) + 1 < len(order):
        context["next_pk"] = order[order.index(pk) + 1]
    if open_panel:
        context.update(
            can=permissions.ticket_actions(request.user, ticket),
            triage_form=forms.get("triage_form") or _queue_triage_form(ticket),
            decline_form=forms.get("decline_form") or DeclineForm(),
            link_form=forms.get("link_form")
            or LinkItemForm(initial={"item": ticket.roadmap_item_id}),
            duplicate_form=forms.get("duplicate_form") or DuplicateForm(),
            suggested_items=suggested_items(ticket),
            suggested_duplicates=suggested_duplicates(ticket),
            product_areas=selectors.product_areas(),
        )
    return render(request, "feedback/partials/triage_row.html", context).content.decode()


def _queue_triage_form(ticket) -> TriageForm:
    """The panel's triage form; a new ticket's status is preset to "triaged" (Save triages)."""
    status = TicketStatus.TRIAGED if ticket.status == TicketStatus.NEW else ticket.status
    initial = {
        "product_area": ticket.product_area,
        "category": ticket.category,
        "impact": ticket.impact,
        "status": status,
    }
    return TriageForm(ticket=ticket, initial=initial)


@required(permissions.can_triage)
def queue_panel(request, pk):
    """The inline triage panel of one queue row (htmx), or the row closed again (``?close``).
    Without JavaScript the row's "Triage" link opens the ticket page instead."""
    get_object_or_404(FeedbackTicket, pk=pk)
    if not request.htmx:
        return redirect(reverse("feedback:detail", args=[pk]) + "#triage")
    return HttpResponse(_queue_row(request, pk, open_panel="close" not in request.GET))


def _undo_url(ticket) -> str:
    action = getattr(ticket, "last_action", None)
    return reverse("feedback:undo", args=[action.batch]) if action else ""


def _queue_perform(request, ticket, action: str):
    """Run one queue action; answer (message, ticket or None on failure, bound forms)."""
    data = request.POST
    if action == "triage":
        form = TriageForm(data, ticket=ticket)
        if form.is_valid():
            try:
                done = _triage_with(form, ticket=ticket, actor=request.user)
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                area = f"{done.product_area} · " if done.product_area else ""
                text = (
                    f"#{done.pk} is {done.get_status_display().lower()}: {area}"
                    f"{done.get_category_display()}, {done.get_impact_display().lower()} impact."
                )
                return text, done, {}
        return None, None, {"triage_form": form}
    if action == "decline":
        form = DeclineForm(data)
        if form.is_valid():
            try:
                done = services.ticket_set_status(
                    ticket=ticket,
                    status=TicketStatus.DECLINED,
                    actor=request.user,
                    reason=form.cleaned_data["declined_reason"],
                )
            except ValidationError as exc:
                form_add_service_error(form, exc)
            else:
                return f"#{done.pk} is declined.", done, {}
        return None, None, {"decline_form": form}
    if action == "link":
        form = LinkItemForm(data)
        if form.is_valid():
            item = form.cleaned_data["item"]
            done = services.ticket_link_item(ticket=ticket, item=item, actor=request.user)
            text = f"#{done.pk} is linked to “{item}”." if item else f"#{done.pk} is unlinked."
            return text, done, {}
        return None, None, {"link_form": form}
    form = DuplicateForm(data)
    if form.is_valid():
        kept = form.cleaned_data["kept"]
        try:
            done = services.ticket_mark_duplicate(ticket=ticket, kept=kept, actor=request.user)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            return f"#{done.pk} is merged into #{kept.pk} {kept.title}.", done, {}
    return None, None, {"duplicate_form": form}


QUEUE_ACTIONS = ("triage", "decline", "link", "merge")


@require_POST
def queue_action(request, pk, action):
    """One action from the queue's panel: triage, decline, link, merge. htmx gets the row back
    (closed; with "save and next" the next row opens), plus the message, with "Undo" after a
    decline or a merge. Without JavaScript: back to the queue with the message."""
    ticket = _triage_ticket(request, pk)
    if action not in QUEUE_ACTIONS:
        raise Http404("No such action.")
    text, done, forms = _queue_perform(request, ticket, action)
    if done is None:
        problems = [e for form in forms.values() for errs in form.errors.values() for e in errs]
        messages.error(request, f"#{ticket.pk} is not changed: {' '.join(problems)}")
        if not request.htmx:
            return redirect(reverse("feedback:detail", args=[pk]) + "#triage")
        return HttpResponse(_queue_row(request, pk, open_panel=True, **forms))
    if undo_url := _undo_url(done):
        flash_undo(request, text, undo_url=undo_url)
    else:
        messages.success(request, text)
    if not request.htmx:
        return redirect(_back_to_queue(request))
    html = _queue_row(request, pk)
    if action == "merge":  # the kept ticket's row shows its new account count
        html += f"<template>{_queue_row(request, done.duplicate_of_id, oob=True)}</template>"
    order = _order(request)
    if request.POST.get("then") == "next" and pk in order and order.index(pk) + 1 < len(order):
        nxt = _queue_row(request, order[order.index(pk) + 1], open_panel=True, oob=True)
        html += f"<template>{nxt}</template>"
    return HttpResponse(html)


def _back_to_queue(request) -> str:
    query = request.POST.get("query", "")
    return reverse("feedback:triage") + (f"?{query}" if query else "")


@require_POST
def undo(request, batch):
    """Undo a merge or a decline (the message's "Undo"): a service with its own rules."""
    if not permissions.can_triage(request.user):
        raise PermissionDenied(permissions.TRIAGE_REFUSED)
    try:
        restored = triage.feedback_undo(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        restored = []
    else:
        names = ", ".join(f"#{t.pk}" for t in restored)
        status = restored[0].get_status_display().lower() if restored else ""
        messages.success(
            request, f"Undone: {names} {'is' if len(restored) == 1 else 'are'} {status} again."
        )
    if not request.htmx:
        return redirect(restored[0] if restored else reverse("feedback:triage"))
    current = request.htmx.current_url_abs_path or ""
    if not current.startswith(reverse("feedback:triage")):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    # On the queue: the rows of the tickets involved come back in place.
    pks = {t.pk for t in restored} | {
        a.kept_id for a in TriageAction.objects.filter(batch=batch) if a.kept_id
    }
    found = set(FeedbackTicket.objects.filter(pk__in=pks).values_list("pk", flat=True))
    rows = "".join(_queue_row(request, pk, oob=True, order=[]) for pk in sorted(found))
    return HttpResponse(f"<template>{rows}</template>")  # table rows swap out of band from here


@require_POST
def bulk(request):
    """Bulk actions on the selected tickets: a confirmation naming how many first, then one
    service call for the batch (all or nothing)."""
    if not permissions.can_triage(request.user):
        raise PermissionDenied(permissions.TRIAGE_REFUSED)
    form = BulkForm(request.POST)
    context = {"form": form, "query": request.POST.get("query", "")}
    if form.is_valid() and not form.cleaned_data["confirmed"]:
        count = len(set(form.cleaned_data["tickets"]))
        context.update(
            count=count,
            action_label=dict(form.fields["action"].choices)[form.cleaned_data["action"]],
        )
        return _bulk_page(request, context)
    if form.is_valid():
        d = form.cleaned_data
        try:
            result = triage.feedback_bulk_apply(
                ticket_ids=d["tickets"],
                action=d["action"],
                actor=request.user,
                item=d["item"],
                reason=d["declined_reason"],
                expected=d["expected"],
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            text = _bulk_text(result, d)
            if result.undoable:
                flash_undo(request, text, undo_url=reverse("feedback:undo", args=[result.batch]))
            else:
                messages.success(request, text)
            if not request.htmx:
                return redirect(_back_to_queue(request))
            response = HttpResponse("")
            response["HX-Trigger"] = "triage-changed"
            return response
    return _bulk_page(request, context)


def _bulk_text(result, data) -> str:
    n = f"{result.count} ticket{'s' if result.count != 1 else ''}"
    if result.action == "triage":
        return f"{n} marked triaged."
    if result.action == "link":
        return f"{n} linked to “{data['item']}”."
    return f"{n} declined."


def _bulk_page(request, context):
    if request.htmx:
        return render(request, "feedback/partials/bulk_confirm.html", context)
    return render(request, "feedback/bulk_confirm.html", context)
