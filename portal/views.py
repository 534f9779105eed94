from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView

from . import inbox
from .filtersets import AccountFilterSet
from .models import Account, InboxEntry
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


class AccountListView(PermissionRequiredMixin, FilterView):
    permission_required = "portal.view_account"
    filterset_class = AccountFilterSet
    queryset = Account.objects.for_lists()
    paginate_by = 50
    template_name = "portal/account_list.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["portal/partials/account_table.html"]
        return [self.template_name]


class AccountDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "portal.view_account"
    queryset = Account.objects.for_lists()
    template_name = "portal/account_detail.html"
    context_object_name = "account"


def account_picker_options(request):
    """``<option>`` elements for the account picker: search by name, the user's accounts first."""
    if not request.user.has_perm("portal.view_account"):
        return render(request, "portal/partials/account_options.html", {"accounts": []})
    term = request.GET.get("q", "").strip()
    accounts = Account.objects.active()
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
