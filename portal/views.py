from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from . import inbox
from .csvexport import csv_response
from .filterbar import FilterBarMixin, filtered_rows
from .filtersets import AccountFilterSet
from .labels import human_label
from .models import Account, InboxEntry
from .onbehalf import accounts_acting_for
from .search import MIN_LENGTH as SEARCH_MIN_LENGTH
from .search import search_everything
from .selectors import INBOX_PAGE, inbox_entries_for

PICKER_LIMIT = 20


class HomeView(TemplateView):
    """What needs the user and what changed: the panels each app registered for the ``home`` slot
    (chosen by permission, so each role sees its own), with the time of the previous visit."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        previous = inbox.home_visit_record(user=self.request.user)
        # The panels' context callables get the request: "changed since my last visit".
        self.request.home_previous_visit = previous
        context["previous_visit"] = previous
        return context


class AccountListView(PermissionRequiredMixin, FilterBarMixin, FilterView):
    """Accounts with the filter bar; ``?export=csv`` downloads the filtered rows."""

    permission_required = "portal.view_account"
    filterset_class = AccountFilterSet
    queryset = Account.objects.for_lists()
    paginate_by = 50
    template_name = "portal/account_list.html"
    filter_bar_fields = ["q", "tier", "health_band", "lifecycle_stage", "segment", "mine"]
    filter_bar_sort = True
    filter_bar_export = "?export=csv"
    filter_bar_results = "account-results"
    filter_bar_noun = "account"
    filter_bar_labels = {"health_band": "Health", "lifecycle_stage": "Stage", "mine": "Only mine"}

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            filterset = self.get_filterset(self.get_filterset_class())
            rows = filtered_rows(filterset)
            return csv_response(
                filename="accounts.csv",
                header=ACCOUNT_CSV_HEADER,
                rows=(_account_row(a) for a in rows.iterator(chunk_size=500)),
            )
        return super().get(request, *args, **kwargs)

    def get_template_names(self):
        if self.request.htmx and not self.request.htmx.boosted:
            return ["portal/partials/account_table.html"]
        return [self.template_name]


ACCOUNT_CSV_HEADER = [
    "Name",
    "Tier",
    "ARR (USD)",
    "Health score",
    "Health band",
    "Segment",
    "Lifecycle stage",
    "CSM owner",
    "CRM id",
]


def _account_row(account) -> list:
    return [
        account.name,
        account.get_tier_display(),
        account.arr,
        account.health_score,
        human_label(account.health_band),
        human_label(account.segment),
        account.get_lifecycle_stage_display(),
        account.csm_owner or "",
        account.crm_id or "",
    ]


class AccountDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "portal.view_account"
    queryset = Account.objects.for_lists()
    template_name = "portal/account_detail.html"
    context_object_name = "account"


def account_picker_options(request):
    """``<option>`` elements for the account picker: search by name, the user's accounts first
    (``?mine=1``: only theirs)."""
    if not request.user.has_perm("portal.view_account"):
        return render(request, "portal/partials/account_options.html", {"accounts": []})
    term = request.GET.get("q", "").strip()
    # ?mine=1: a picker for work on behalf of an account offers what the user may act for.
    mine = request.GET.get("mine") == "1"
    accounts = accounts_acting_for(request.user) if mine else Account.objects.active()
    if term:
        accounts = accounts.filter(Q(name__icontains=term) | Q(crm_id__iexact=term))
    accounts = accounts.annotate(is_mine=Count("id", filter=Q(csm_owner=request.user))).order_by(
        "-is_mine", "name"
    )[:PICKER_LIMIT]
    return render(request, "portal/partials/account_options.html", {"accounts": accounts})


class InboxView(ListView):
    """The user's inbox: newest first, unread ones marked; "Mark read" and "Mark all read"."""

    template_name = "portal/inbox/list.html"
    paginate_by = INBOX_PAGE
    context_object_name = "entries"

    def unread_only(self) -> bool:
        return self.request.GET.get("unread") == "1"

    def get_queryset(self):
        return inbox_entries_for(self.request.user, unread_only=self.unread_only())

    def get_context_data(self, **kwargs):
        return super().get_context_data(unread_only=self.unread_only(), **kwargs)


@require_POST
def inbox_mark_read_view(request, pk):
    entry = get_object_or_404(InboxEntry, pk=pk, user=request.user)
    inbox.inbox_mark_read(entry=entry, actor=request.user)
    if request.htmx:
        return render(request, "portal/inbox/partials/entry.html", {"entry": entry, "oob": True})
    return redirect(request.POST.get("next") or reverse("inbox"))


@require_POST
def inbox_mark_all_read_view(request):
    changed = inbox.inbox_mark_all_read(actor=request.user)
    messages.success(request, f"{changed} entr{'y' if changed == 1 else 'ies'} marked read.")
    return redirect(reverse("inbox"))


def search_view(request):
    """The header search: every kind the user's role may see, grouped, best first."""
    text = request.GET.get("q", "").strip()
    groups = search_everything(request.user, text)
    return render(
        request,
        "portal/search.html",
        {
            "search_query": text,
            "groups": groups,
            "total": sum(len(g["hits"]) for g in groups),
            "min_length": SEARCH_MIN_LENGTH,
        },
    )
