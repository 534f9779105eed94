"""Pages for beta programs and launch plans: thin views over selectors and services."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from portal.models import Account
from roadmap.models import BetaParticipant, BetaProgram, LaunchPlan, Milestone, ProgramStatus

from . import eligibility, launches, selectors, services
from .forms import (
    BetaProgramForm,
    CompleteForm,
    EligibilityCheckForm,
    LaunchDateForm,
    LaunchPlanCreateForm,
    MilestoneForm,
    MilestoneMoveForm,
    NominateForm,
    TransitionForm,
)
from .readiness import plan_readiness

CANDIDATES_SHOWN = 25


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Beta programs ----------------------------------------------------------------------------


class ProgramListView(PermissionRequiredMixin, ListView):
    permission_required = "roadmap.view_betaprogram"
    template_name = "roadmap/beta/program_list.html"
    context_object_name = "programs"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status")
        return selectors.programs_for_list(status=status if status in ProgramStatus else None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = ProgramStatus.choices
        for program in context["programs"]:
            program.rate = selectors.validation_rate(program)
        return context


class ProgramFormView(PermissionRequiredMixin, FormView):
    template_name = "roadmap/beta/program_form.html"
    form_class = BetaProgramForm
    program = None

    def get_permission_required(self):
        return ["roadmap.change_betaprogram" if "pk" in self.kwargs else "roadmap.add_betaprogram"]

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.program = get_object_or_404(BetaProgram, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.program
        if self.program is None and "item" in self.request.GET:
            kwargs.setdefault("initial", {})["item"] = self.request.GET["item"]
        return kwargs

    def form_valid(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "item"}
        try:
            if self.program is None:
                program = services.beta_program_create(
                    item=form.cleaned_data["item"], actor=self.request.user, **data
                )
            else:
                program = services.beta_program_update(
                    program=self.program, actor=self.request.user, **data
                )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Saved {program}.")
        return redirect(program)

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.program, **kwargs)


class ProgramDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "roadmap.view_betaprogram"
    template_name = "roadmap/beta/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return selectors.programs_for_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        program = self.object
        user = self.request.user
        candidates = selectors.candidates_for(program, limit=None) if program.is_open else []
        if not user.has_perm("roadmap.nominate_any_betaparticipant"):
            for candidate in candidates:
                candidate.can_nominate = candidate.account.csm_owner_id == user.pk
        else:
            for candidate in candidates:
                candidate.can_nominate = True
        context.update(
            participants=selectors.participants_for(program),
            candidates=candidates[:CANDIDATES_SHOWN],
            candidates_total=len(candidates),
            rate=selectors.validation_rate(program),
            check_form=EligibilityCheckForm(),
            complete_form=CompleteForm(),
            can_nominate=user.has_perm("roadmap.nominate_betaparticipant"),
            can_manage=user.has_perm("roadmap.change_betaparticipant"),
        )
        return context


@require_POST
@permission_required("roadmap.nominate_betaparticipant", raise_exception=True)
def nominate(request, pk):
    program = get_object_or_404(BetaProgram, pk=pk)
    form = NominateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an account to nominate.")
        return redirect(program)
    account = form.cleaned_data["account"]
    if not services.can_nominate(request.user, account):
        raise PermissionDenied("You can nominate only the accounts you manage.")
    try:
        services.beta_participant_nominate(program=program, account=account, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"{account} is nominated for {program}.")
    return redirect(f"{program.get_absolute_url()}#participants")


@require_POST
@permission_required("roadmap.change_betaparticipant", raise_exception=True)
def participant_transition(request, pk):
    participant = get_object_or_404(BetaParticipant.objects.select_related("program"), pk=pk)
    form = TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.beta_participant_transition(
                participant=participant,
                state=form.cleaned_data["state"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(request, f"{participant.account} is now {form.cleaned_data['state']}.")
    return redirect(f"{participant.program.get_absolute_url()}#participants")


@permission_required("roadmap.change_betaparticipant", raise_exception=True)
def participant_complete(request, pk):
    participant = get_object_or_404(
        BetaParticipant.objects.select_related("program", "account"), pk=pk
    )
    form = CompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.beta_participant_complete(
                participant=participant,
                rating=form.cleaned_data["rating"],
                comments=form.cleaned_data["comments"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{participant.account} completed the beta.")
            return redirect(participant.program)
    return render(
        request,
        "roadmap/beta/participant_complete.html",
        {"form": form, "participant": participant},
    )


@permission_required("roadmap.view_betaprogram", raise_exception=True)
def program_check(request, pk):
    """Every rule of the program for one account (htmx fragment, or a page without JS)."""
    program = get_object_or_404(BetaProgram.objects.select_related("item"), pk=pk)
    form = EligibilityCheckForm(request.GET or None)
    result = None
    if form.is_valid():
        account = Account.objects.select_related("csm_owner").get(
            pk=form.cleaned_data["account"].pk
        )
        result = eligibility.evaluate(program, account)
    template = (
        "roadmap/beta/partials/program_check.html"
        if request.htmx
        else "roadmap/beta/program_check.html"
    )
    return render(request, template, {"program": program, "form": form, "result": result})


@permission_required("roadmap.view_betaprogram", raise_exception=True)
def account_eligibility(request, account_pk):
    """The account against every open program: an htmx fragment for the account page, or a page."""
    if not request.user.has_perm("portal.view_account"):
        raise PermissionDenied
    account = get_object_or_404(Account.objects.select_related("csm_owner"), pk=account_pk)
    context = {
        "account": account,
        "answers": selectors.eligibility_for_account(account),
        "can_nominate": services.can_nominate(request.user, account),
    }
    template = (
        "roadmap/beta/partials/account_eligibility.html"
        if request.htmx
        else "roadmap/beta/account_eligibility.html"
    )
    return render(request, template, context)


# --- Launch plans -----------------------------------------------------------------------------


class LaunchCalendarView(PermissionRequiredMixin, ListView):
    permission_required = "roadmap.view_launchplan"
    template_name = "roadmap/beta/launch_calendar.html"
    context_object_name = "plans"
    paginate_by = 50
    past_days = 30

    def get_queryset(self):
        since = timezone.localdate() - timezone.timedelta(days=self.past_days)
        return LaunchPlan.objects.for_lists().filter(item__launch_date__gte=since)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        for plan in context["plans"]:
            plan.readiness = plan_readiness(plan, today=today)
            plan.next_milestone = next((m for m in plan.milestones.all() if not m.is_done), None)
        context["today"] = today
        if self.request.user.has_perm("roadmap.add_launchplan"):
            context["create_form"] = LaunchPlanCreateForm()
        return context


class LaunchDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "roadmap.view_launchplan"
    template_name = "roadmap/beta/launch_detail.html"
    context_object_name = "plan"

    def get_queryset(self):
        return LaunchPlan.objects.for_lists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.object
        context.update(
            readiness=plan_readiness(plan),
            today=timezone.localdate(),
            date_form=LaunchDateForm(initial={"launch_date": plan.item.launch_date}),
            milestone_form=kwargs.get("milestone_form") or MilestoneForm(plan=plan),
            can_manage=self.request.user.has_perm("roadmap.change_milestone"),
        )
        return context


@require_POST
@permission_required("roadmap.add_launchplan", raise_exception=True)
def launch_create(request):
    form = LaunchPlanCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a roadmap item with a launch date and no plan yet.")
        return redirect("roadmap:launch-calendar")
    try:
        plan = launches.launch_plan_create(item=form.cleaned_data["item"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("roadmap:launch-calendar")
    messages.success(request, f"Created {plan} with the standard milestones.")
    return redirect(plan)


@require_POST
@permission_required("roadmap.change_launchplan", raise_exception=True)
def launch_move(request, pk):
    plan = get_object_or_404(LaunchPlan, pk=pk)
    form = LaunchDateForm(request.POST)
    if form.is_valid():
        launches.launch_date_move(
            plan=plan, launch_date=form.cleaned_data["launch_date"], actor=request.user
        )
        messages.success(request, "Launch date moved; undone relative milestones moved with it.")
    else:
        messages.error(request, "Give the new launch date as a date.")
    return redirect(plan)


@require_POST
@permission_required("roadmap.add_milestone", raise_exception=True)
def milestone_add(request, pk):
    plan = get_object_or_404(LaunchPlan.objects.select_related("item"), pk=pk)
    form = MilestoneForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            launches.milestone_add(
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
            form.add_error(None, exc)
        else:
            messages.success(request, f"Added {data['name']}.")
            return redirect(plan)
    view = LaunchDetailView(request=request, kwargs={"pk": pk})
    view.object = LaunchPlan.objects.for_lists().get(pk=pk)
    context = view.get_context_data(object=view.object, milestone_form=form)
    return render(request, view.template_name, context, status=400)


@require_POST
@permission_required("roadmap.change_milestone", raise_exception=True)
def milestone_move(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("plan"), pk=pk)
    form = MilestoneMoveForm(request.POST)
    if form.is_valid():
        launches.milestone_move(
            milestone=milestone, due_date=form.cleaned_data["due_date"], actor=request.user
        )
        messages.success(request, f"Moved {milestone.name}.")
    else:
        messages.error(request, "Give the new date as a date.")
    return redirect(milestone.plan)


@require_POST
@permission_required("roadmap.change_milestone", raise_exception=True)
def milestone_tick(request, pk):
    milestone = get_object_or_404(Milestone.objects.select_related("plan"), pk=pk)
    done = request.POST.get("done") == "true"
    launches.milestone_tick(milestone=milestone, done=done, actor=request.user)
    messages.success(request, f"{milestone.name} {'done' if done else 'reopened'}.")
    return redirect(milestone.plan)
