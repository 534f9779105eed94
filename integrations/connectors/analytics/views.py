"""Adoption pages of the integrations app: an item's aha milestone, the unclaimed feature keys."""

from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, render
from django.views.generic import FormView

from portal.viewmixins import ServiceFormMixin
from roadmap.models import RoadmapItem

from . import adoption_selectors
from .adoption_services import adoption_milestone_set
from .forms import MilestoneForm


class MilestoneFormView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    """POST from the Adoption panel (or this page without JavaScript): N uses within D days."""

    permission_required = "roadmap.change_roadmapitem"
    template_name = "integrations/adoption/milestone_form.html"
    form_class = MilestoneForm
    success_message = "Aha moment for “{object.item}” set: {object}."

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(RoadmapItem, pk=kwargs["item_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = getattr(self.item, "adoption_milestone", None)
        return kwargs

    def perform(self, form):
        return adoption_milestone_set(
            item=self.item,
            uses=form.cleaned_data["uses"],
            days=form.cleaned_data["days"],
            actor=self.request.user,
        )

    def get_success_url(self) -> str:
        return self.item.get_absolute_url() + "#adoption"

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)


@permission_required("integrations.view_featureusage", raise_exception=True)
def unclaimed_keys(request):
    """Feature keys in the usage data no roadmap item claims: loaded into the sync page by htmx
    (the page keeps its query count), or a page of its own without JavaScript."""
    template = (
        "integrations/adoption/partials/unclaimed_keys.html"
        if request.htmx
        else "integrations/adoption/unclaimed_keys.html"
    )
    return render(request, template, {"unclaimed": adoption_selectors.unclaimed_feature_keys()})
