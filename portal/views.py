from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Q
from django.shortcuts import render
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from .choices import HealthBand
from .filtersets import AccountFilterSet
from .models import Account

PICKER_LIMIT = 20


class HomeView(TemplateView):
    """The dashboard: what each role comes here for, with a few figures."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["account_stats"] = Account.objects.aggregate(
            total=Count("id"),
            mine=Count("id", filter=Q(csm_owner=self.request.user)),
            red=Count("id", filter=Q(health_band=HealthBand.RED)),
        )
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
