"""Pages for launch plans: the calendar, a plan with its milestones, and the actions on them.

A refused or invalid action re-renders the page it came from with the user's input and the
field's own message (status 422), not a flash message after a redirect."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView

from portal.csvexport import csv_response
from portal.errors import form_add_service_error
from portal.filterbar import filter_bar_for, filtered_rows
from roadmap.models import LaunchPlan, Milestone
from roadmap.permissions import (
    can_add_milestone,
    can_create_launch,
    can_manage_milestones,
    can_move_launch,
)

from . import selectors, services
from .filtersets import LaunchPlanFilterSet
from .forms import (
    LaunchDateForm,
    LaunchPlanCreateForm,
    MilestoneForm,
    MilestoneMoveForm,
    MilestoneTickForm,
)

CALENDAR_TEMPLATE = "roadmap/launches/calendar.html"
DETAIL_TEMPLATE = "roadmap/launches/plan_detail.html"


def _deny_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Your role does not allow this action.")


class LaunchCalendarView(PermissionRequiredMixin, ListView):
    """Upcoming launches (and the last 30 days') unless a launch date range says otherwise;
    ``?export=csv`` downloads the filtered plans with their readiness."""

    permission_required = "roadmap.view_launchplan"
    template_name = CALENDAR_TEMPLATE
    context_object_name = "plans"
    paginate_by = 50
    create_form = None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            plans = self.get_queryset()  # the filtered plans, readiness on self.today
            return csv_response(
                filename="launches.csv",
                header=LAUNCH_CSV_HEADER,
                rows=(_launch_row(plan, self.today) for plan in plans),
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        data = self.request.GET
        # One day for the calendar window, the readiness filter and every row's readiness.
        self.today = today = timezone.localdate()
        dated = data.get("launch_after") or data.get("launch_before")
        base = selectors.plans_for_lists() if dated else selectors.plans_for_calendar(today=today)
        self.filterset = LaunchPlanFilterSet(data, queryset=base, request=self.request, today=today)
        return filtered_rows(self.filterset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = self.today
        for plan in context["plans"]:
            plan.readiness = selectors.plan_readiness(plan, today=today)
            plan.next_milestone = selectors.next_milestone(plan)
        context["today"] = today
        context["bar"] = filter_bar_for(
            self.request,
            self.filterset,
            count=context["paginator"].count,
            export_url="?export=csv",
            results_id="launch-results",
            noun="launch",
        )
        if can_create_launch(self.request.user):
            context["create_form"] = self.create_form or LaunchPlanCreateForm()
        return context


LAUNCH_CSV_HEADER = [
    "Launch date", "Roadmap item", "Item status", "Readiness", "Why", "Next milestone",
    "Next milestone due", "Owner", "URL",
]  # fmt: skip


def _launch_row(plan: LaunchPlan, today) -> list:
    readiness = selectors.plan_readiness(plan, today=today)
    upcoming = selectors.next_milestone(plan)
    return [
        plan.item.launch_date or "",
        plan.item.title,
        plan.item.get_status_display(),
        readiness.label,
        "; ".join(readiness.reasons),
        upcoming.name if upcoming else "",
        upcoming.due_date if upcoming else "",
        plan.owner or "",
        plan.get_absolute_url(),
    ]


def plan_context(request, plan: LaunchPlan, **forms) -> dict:
    """What the plan page shows; a failed action passes its bound form (and the milestone it
    was for) to show them with their messages."""
    return {
        "plan": plan,
        "readiness": selectors.plan_readiness(plan),
        "today": timezone.localdate(),
        "date_form": LaunchDateForm(initial={"launch_date": plan.item.launch_date}),
        "milestone_form": MilestoneForm(plan=plan),
        **forms,
    }


class LaunchDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "roadmap.view_launchplan"
    template_name = DETAIL_TEMPLATE
    context_object_name = "plan"

    def get_queryset(self):
        return selectors.plans_for_lists()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **plan_context(self.request, self.object)}


def _plan_page(request, plan_pk: int, **forms):
    plan = get_object_or_404(selectors.plans_for_lists(), pk=plan_pk)
    return render(request, DETAIL_TEMPLATE, plan_context(request, plan, **forms), status=422)


@require_POST
def launch_create(request):
    _deny_unless(can_create_launch(request.user))
    form = LaunchPlanCreateForm(request.POST)
    if form.is_valid():
        try:
            plan = services.launch_plan_create(item=form.cleaned_data["item"], actor=request.user)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"Created {plan} with the standard milestones.")
            return redirect(plan)
    view = LaunchCalendarView(request=request, kwargs={}, create_form=form)
    view.object_list = view.get_queryset()
    return render(request, CALENDAR_TEMPLATE, view.get_context_data(), status=422)


@require_POST
def launch_move(request, pk):
    _deny_unless(can_move_launch(request.user))
    plan = get_object_or_404(LaunchPlan, pk=pk)
    form = LaunchDateForm(request.POST)
    if form.is_valid():
        try:
            services.launch_date_move(
                plan=plan, launch_date=form.cleaned_data["launch_date"], actor=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(
                request, "Launch date moved; undone relative milestones moved with it."
            )
            return redirect(plan)
    return _plan_page(request, plan.pk, date_form=form)


@require_POST
def milestone_add(request, pk):
    _deny_unless(can_add_milestone(request.user))
    plan = get_object_or_404(LaunchPlan.objects.select_related("item"), pk=pk)
    form = MilestoneForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.milestone_add(
                plan=plan,
                name=data["name"],
                description=data["description"],
                due_date=data["due_date"],
                critical=data["critical"],
                owner=data["owner"],
                relative=data["relative"],
                depends_on=data["depends_on"],
                actor=request.user,
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"Added {data['name']}.")
            return redirect(plan)
    return _plan_page(request, plan.pk, milestone_form=form)


@require_POST
def milestone_move(request, pk):
    _deny_unless(can_manage_milestones(request.user))
    milestone = get_object_or_404(Milestone.objects.select_related("plan"), pk=pk)
    form = MilestoneMoveForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_move(
                milestone=milestone, due_date=form.cleaned_data["due_date"], actor=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"Moved {milestone.name}.")
            return redirect(milestone.plan)
    return _plan_page(request, milestone.plan_id, move_form=form, move_for=milestone.pk)


@require_POST
def milestone_tick(request, pk):
    _deny_unless(can_manage_milestones(request.user))
    milestone = get_object_or_404(Milestone.objects.select_related("plan"), pk=pk)
    form = MilestoneTickForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_tick(
                milestone=milestone, done=form.cleaned_data["done"], actor=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            done = form.cleaned_data["done"]
            messages.success(request, f"{milestone.name} {'done' if done else 'reopened'}.")
            return redirect(milestone.plan)
    return _plan_page(request, milestone.plan_id, tick_form=form, tick_for=milestone.pk)
