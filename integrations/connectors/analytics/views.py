"""Adoption pages of the integrations app: setting an item's aha milestone."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.views.generic import FormView

from portal.viewmixins import ServiceFormMixin
from roadmap.models import RoadmapItem

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
