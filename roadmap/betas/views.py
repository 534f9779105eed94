"""Pages for beta programs: thin views over selectors and services.

An action that the service refuses (a nomination past the cap, a move the state machine does not
allow) re-renders the program page with the user's input and the service's message at the form
(status 422), instead of a flash message after a redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView

from portal.csvexport import csv_response
from portal.errors import form_add_service_error
from portal.filterbar import filter_bar_for, filtered_rows
from portal.labels import human_label
from portal.models import Account
from portal.viewmixins import ServiceFormMixin
from roadmap.models import BetaParticipant, BetaProgram
from roadmap.permissions import (
    can_create_program,
    can_edit_program,
    can_manage_participants,
    can_nominate_some,
)

from . import eligibility, selectors, services
from .filtersets import BetaProgramFilterSet
from .forms import BetaProgramForm, CompleteForm, EligibilityCheckForm, NominateForm, TransitionForm

CANDIDATES_SHOWN = 25
PARTICIPANTS_PER_PAGE = 25
DETAIL_TEMPLATE = "roadmap/betas/program_detail.html"


class ProgramListView(PermissionRequiredMixin, ListView):
    """Programs through the filter bar; ``?export=csv`` downloads the filtered programs."""

    permission_required = "roadmap.view_betaprogram"
    template_name = "roadmap/betas/program_list.html"
    context_object_name = "programs"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return csv_response(
                filename="beta-programs.csv",
                header=PROGRAM_CSV_HEADER,
                rows=(_program_row(p) for p in self.get_queryset()),
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        self.filterset = BetaProgramFilterSet(
            self.request.GET, queryset=selectors.programs_for_list(), request=self.request
        )
        # A refused value (a tampered choice) shows none, with the bar's message, as every list.
        return filtered_rows(self.filterset)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for program in context["programs"]:
            program.rate = selectors.validation_rate(program)
        context["bar"] = filter_bar_for(
            self.request,
            self.filterset,
            count=context["paginator"].count,
            fields=["status"],
            export_url="?export=csv",
            results_id="program-results",
            noun="program",
        )
        return context


PROGRAM_CSV_HEADER = [
    "Program", "Roadmap item", "Status", "Starts", "Ends", "Capacity", "Places taken",
    "PM owner", "CS owner", "Rated", "Positive", "URL",
]  # fmt: skip


def _program_row(program) -> list:
    rate = selectors.validation_rate(program)
    return [
        program.name,
        program.item.title,
        program.get_status_display(),
        program.starts_on or "",
        program.ends_on or "",
        program.capacity,
        program.seats_taken,
        program.pm_owner or "",
        program.cs_owner or "",
        rate.rated,
        rate.positive,
        program.get_absolute_url(),
    ]


class ProgramFormView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    template_name = "roadmap/betas/program_form.html"
    form_class = BetaProgramForm
    success_message = "Saved {object}."
    program = None

    def has_permission(self):
        user = self.request.user
        return can_edit_program(user, self.program) if self.program else can_create_program(user)

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

    def perform(self, form):
        actor = self.request.user
        if self.program is None:
            return services.beta_program_create(
                item=form.cleaned_data["item"], actor=actor, **form.program_fields()
            )
        return services.beta_program_update(
            program=self.program, actor=actor, **form.program_fields()
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(program=self.program, **kwargs)


def participants_page(request, program: BetaProgram):
    """The page of the program's participants that ``page`` names (in the URL, or posted back by
    a participant's action): the first for a missing or bad number, the last past the end. Two
    queries (count, rows) whatever the number of participants."""
    paginator = Paginator(selectors.participants_for(program), PARTICIPANTS_PER_PAGE)
    return paginator.get_page(request.GET.get("page") or request.POST.get("page"))


def _participants_url(request, program: BetaProgram) -> str:
    """The program page at the participants, on the page the action was posted from."""
    page = request.POST.get("page", "")
    query = f"?page={int(page)}" if page.isascii() and page.isdigit() and int(page) > 1 else ""
    return f"{program.get_absolute_url()}{query}#participants"


def program_context(request, program: BetaProgram, **forms) -> dict:
    """What the program page shows; an action that failed passes its bound form to show it."""
    candidates = selectors.candidates_for(program, limit=None) if program.is_open else []
    participants = participants_page(request, program)
    return {
        "program": program,
        "participants": participants,
        "candidates": candidates[:CANDIDATES_SHOWN],
        "candidates_total": len(candidates),
        "rate": selectors.validation_rate(program),
        "check_form": EligibilityCheckForm(),
        **forms,
    }


class ProgramDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "roadmap.view_betaprogram"
    template_name = DETAIL_TEMPLATE
    context_object_name = "program"

    def get_queryset(self):
        return selectors.programs_for_list()

    def get(self, request, *args, **kwargs):
        export = request.GET.get("export")
        if export in ("participants", "candidates"):
            self.object = self.get_object()
            return _program_csv(self.object, export)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **program_context(self.request, self.object)}


def _program_csv(program: BetaProgram, which: str):
    """The program's participants, or every candidate (not only the shown best), as CSV."""
    if which == "participants":
        rows = (
            [
                p.account.name,
                p.account.get_tier_display(),
                human_label(p.account.segment),
                p.account.health_score,
                p.csm or "",
                p.get_state_display(),
                p.nominated_at.date().isoformat() if p.nominated_at else "",
                p.validation_rating or "",
                p.validation_comments,
            ]
            for p in selectors.participants_for(program)
        )
        header = [
            "Account", "Tier", "Segment", "Health", "CSM", "State", "Nominated", "Rating",
            "Comments",
        ]  # fmt: skip
    else:
        candidates = selectors.candidates_for(program, limit=None) if program.is_open else []
        rows = (
            [
                rank,
                c.account.name,
                c.account.get_tier_display(),
                human_label(c.account.segment),
                c.account.health_score,
                c.account.csm_owner or "",
                c.score,
                "; ".join(c.reasons),
            ]
            for rank, c in enumerate(candidates, start=1)
        )
        header = ["Rank", "Account", "Tier", "Segment", "Health", "CSM", "Profile", "Why"]
    return csv_response(filename=f"beta-{program.pk}-{which}.csv", header=header, rows=rows)


def _program_page(request, program_pk: int, *, status: int = 422, **forms):
    """The program page again, with the failed action's form (status 422), or after an htmx
    action (200: htmx swaps the regions it changed)."""
    program = get_object_or_404(selectors.programs_for_list(), pk=program_pk)
    context = program_context(request, program, **forms)
    return render(request, DETAIL_TEMPLATE, context, status=status)


@require_POST
def nominate(request, pk):
    if not can_nominate_some(request.user):
        raise PermissionDenied
    program = get_object_or_404(BetaProgram, pk=pk)
    form = NominateForm(request.POST)
    if form.is_valid():
        account = form.cleaned_data["account"]
        try:
            services.beta_participant_nominate(program=program, account=account, actor=request.user)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"{account} is nominated for {program}.")
            if request.htmx:  # the page's changed regions are swapped; the message out of band
                return _program_page(request, program.pk, status=200)
            return redirect(f"{program.get_absolute_url()}#participants")
    if request.htmx:  # the form's errors show at the top of the page: say it in the message
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return _program_page(request, program.pk, status=200, nominate_form=form)
    return _program_page(request, program.pk, nominate_form=form)


@require_POST
def participant_transition(request, pk):
    if not can_manage_participants(request.user):
        raise PermissionDenied
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
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"{participant.account} is now {form.cleaned_data['state']}.")
            return redirect(_participants_url(request, participant.program))
    return _program_page(
        request, participant.program_id, transition_form=form, transition_for=participant.pk
    )


def participant_complete(request, pk):
    if not can_manage_participants(request.user):
        raise PermissionDenied
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
            form_add_service_error(form, exc)
        else:
            messages.success(request, f"{participant.account} completed the beta.")
            return redirect(participant.program)
    return render(
        request,
        "roadmap/betas/participant_complete.html",
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
        "roadmap/betas/partials/program_check.html"
        if request.htmx
        else "roadmap/betas/program_check.html"
    )
    return render(request, template, {"program": program, "form": form, "result": result})


@permission_required("roadmap.view_betaprogram", raise_exception=True)
def account_eligibility(request, account_pk):
    """The account against every open program: an htmx fragment for the account page, or a page."""
    if not request.user.has_perm("portal.view_account"):
        raise PermissionDenied
    account = get_object_or_404(Account.objects.select_related("csm_owner"), pk=account_pk)
    context = {"account": account, "answers": selectors.eligibility_for_account(account)}
    template = (
        "roadmap/betas/partials/account_eligibility.html"
        if request.htmx
        else "roadmap/betas/account_eligibility.html"
    )
    return render(request, template, context)
