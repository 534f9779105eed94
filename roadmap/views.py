"""Roadmap pages: the board, the list (CSV), the item page, votes and the scoring policy."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django_filters.views import FilterView

from portal.csvexport import csv_response
from portal.errors import form_add_service_error
from portal.filterbar import FilterBarMixin, filter_bar_for, filtered_rows
from portal.viewmixins import ServiceFormMixin

from . import selectors, services
from .cards import render_cards
from .choices import BOARD_STATUSES
from .features import with_feature_keys
from .filtersets import RoadmapItemFilterSet
from .forms import MoveForm, RoadmapItemForm, ScoringPolicyForm, VoteForm
from .models import RoadmapItem, ScoringPolicy, ScoringState, Vote
from .permissions import (
    can_change_policy,
    can_create_item,
    can_edit_item,
    can_move_item,
    can_recompute,
    can_vote_on,
)
from .scoring import priorities_request


class BoardView(PermissionRequiredMixin, TemplateView):
    """Columns by status, each ranked, its top 50 and "load more"; PMs move cards."""

    permission_required = "roadmap.view_roadmapitem"
    template_name = "roadmap/board.html"

    def get(self, request, *args, **kwargs):
        filterset = RoadmapItemFilterSet(
            request.GET, queryset=selectors.items_for_lists(), request=request
        )
        queryset = filtered_rows(filterset)
        more = request.GET.get("more")
        limits = {}
        if more in BOARD_STATUSES and not request.htmx:
            # Without JavaScript "load more" shows the longer column on the full page.
            limits = {more: _int(request.GET.get("offset")) + selectors.BOARD_COLUMN_SIZE}
        elif more in BOARD_STATUSES:
            # "Load more" for one column (htmx): the next cards and a new button.
            offset = _int(request.GET.get("offset"))
            column = selectors.board_columns(queryset.filter(status=more), offsets={more: offset})[
                BOARD_STATUSES.index(more)
            ]
            self._cards([column])
            return render(request, "roadmap/partials/column_cards.html", self._ctx(column=column))
        columns = selectors.board_columns(queryset, limits=limits)
        self._cards(columns)
        context = self._ctx(
            filterset=filterset,
            bar=filter_bar_for(
                request,
                filterset,
                fields=FILTER_BAR_FIELDS,
                labels=FILTER_BAR_LABELS,
                choices={"product_area": _area_choices()},
            ),
            columns=columns,
            state=ScoringState.objects.filter(pk=1).first(),
            query=_query_without(request, "more", "offset"),
        )
        if request.htmx and request.htmx.target == "board":
            return render(request, "roadmap/partials/board.html", context)
        return render(request, self.template_name, context)

    def _cards(self, columns) -> None:
        render_cards(
            [item for column in columns for item in column["items"]],
            request=self.request,
            can_move=can_move_item(self.request.user),
            next_url=self._next_url(),
        )

    def _next_url(self) -> str:
        query = _query_without(self.request, "more", "offset")
        return self.request.path + (f"?{query}" if query else "")

    def _ctx(self, **extra):
        return {
            "can_move": can_move_item(self.request.user),
            "next_url": self._next_url(),
            "query": _query_without(self.request, "more", "offset"),
            **extra,
        }


FILTER_BAR_FIELDS = ["q", "product_area", "owner", "horizon", "tier", "segment"]
FILTER_BAR_LABELS = {"tier": "Demand from tier", "segment": "Demand from segment"}


def _area_choices() -> list[tuple[str, str]]:
    return [(area, area) for area in selectors.product_areas()]


def _int(value) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


CSV_COLUMNS = [
    ("rank", "Rank"),
    ("title", "Title"),
    ("status", "Status"),
    ("product_area", "Product area"),
    ("owner", "Owner"),
    ("score", "Score"),
    ("votes", "Votes"),
    ("accounts", "Accounts"),
    ("total_arr", "Total ARR"),
    ("cs_reps", "CS reps"),
    ("consensus", "CS consensus"),
    ("impact", "Impact"),
    ("confidence", "Confidence"),
    ("effort", "Effort"),
    ("jira_key", "Jira"),
]


class ItemListView(PermissionRequiredMixin, FilterBarMixin, FilterView):
    """All items as a sortable table; ``?export=csv`` downloads the filtered rows."""

    permission_required = "roadmap.view_roadmapitem"
    filterset_class = RoadmapItemFilterSet
    queryset = selectors.items_for_lists()
    paginate_by = 50
    template_name = "roadmap/item_list.html"
    filter_bar_fields = [*FILTER_BAR_FIELDS, "status"]
    filter_bar_labels = FILTER_BAR_LABELS
    filter_bar_export = "?export=csv"
    filter_bar_results = "item-results"
    filter_bar_noun = "item"

    def get_filter_bar_choices(self):
        return {"product_area": _area_choices()}

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            filterset = self.get_filterset(self.get_filterset_class())
            rows = filtered_rows(filterset)
            return self._csv(rows)
        return super().get(request, *args, **kwargs)

    def _csv(self, items):
        return csv_response(
            filename="roadmap.csv",
            header=[label for _, label in CSV_COLUMNS],
            rows=(_csv_row(item) for item in items.iterator(chunk_size=500)),
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            query=_query_without(self.request, "page"),
            sort_query=_query_without(self.request, "page", "ordering"),
            **kwargs,
        )


def _csv_row(item: RoadmapItem) -> list:
    b = item.score_breakdown or {}
    values = {
        "rank": item.rank or "",
        "title": item.title,
        "status": item.get_status_display(),
        "product_area": item.product_area,
        "owner": item.owner or "",
        "score": item.score,
        "votes": b.get("votes", 0),
        "accounts": b.get("accounts", 0),
        "total_arr": b.get("total_arr", 0),
        "cs_reps": b.get("cs_reps", 0),
        "consensus": "yes" if b.get("consensus") else "no",
        "impact": item.impact,
        "confidence": item.confidence,
        "effort": item.effort,
        "jira_key": item.jira_key,
    }
    return [values[key] for key, _ in CSV_COLUMNS]


class ItemDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "roadmap.view_roadmapitem"
    template_name = "roadmap/item_detail.html"
    context_object_name = "item"

    def get_queryset(self):
        # The mapped feature keys ride along in the item's query (panels read them).
        return with_feature_keys(selectors.items_for_lists())

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "votes":
            item = self.get_object()
            return csv_response(
                filename=f"item-{item.pk}-votes.csv",
                header=ITEM_VOTE_CSV_HEADER,
                rows=(
                    [
                        v.account.name,
                        v.account.get_tier_display(),
                        v.account.arr,
                        v.rep,
                        v.get_expected_health_impact_display(),
                        v.evidence,
                        v.updated_at.date().isoformat(),
                    ]
                    for v in selectors.votes_for_item(item)
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**item_context(self.request, self.object), **kwargs)


def item_context(request, item, *, vote_form=None, move_form=None) -> dict:
    """What the item page shows; a failed vote or move passes its bound form."""
    user = request.user
    history = selectors.score_history(item)
    can_vote = can_vote_on(user, item)
    if can_vote and vote_form is None:
        vote_form = VoteForm(user=user)
    return {
        "votes": list(selectors.votes_for_item(item)),
        "history": history,
        "trend": [float(s.score) for s in reversed(history)],
        "vote_form": vote_form if can_vote else None,
        "move_form": move_form or MoveForm(initial={"status": item.status}),
        "breakdown": item.score_breakdown or {},
    }


@require_POST
@permission_required("roadmap.add_vote", raise_exception=True)
def item_vote(request, pk):
    item = get_object_or_404(selectors.items_for_lists(), pk=pk)
    form = VoteForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            vote, created = services.vote_cast(item=item, rep=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_error(form, exc)
        else:
            verb = "recorded" if created else "updated"
            messages.success(
                request,
                f"Your vote for {vote.account} is {verb}. The ranking updates in a moment.",
            )
            if request.htmx:
                return _item_page(request, item.pk)
            return redirect(item)
    return _item_page(request, item.pk, status=200 if request.htmx else 422, vote_form=form)


def _item_page(request, pk: int, *, status: int = 200, **forms):
    """The item page after an action (htmx swaps its changed regions; the message comes out of
    band), or with a failed action's form."""
    item = get_object_or_404(with_feature_keys(selectors.items_for_lists()), pk=pk)
    context = {"item": item, "object": item, **item_context(request, item, **forms)}
    return render(request, "roadmap/item_detail.html", context, status=status)


@require_POST
@permission_required("roadmap.delete_vote", raise_exception=True)
def vote_withdraw(request, pk):
    vote = get_object_or_404(Vote.objects.select_related("account", "item"), pk=pk)
    services.vote_withdraw(vote=vote, actor=request.user)
    messages.success(request, f"Your vote for {vote.account} on “{vote.item}” is withdrawn.")
    next_url = request.POST.get("next")
    if request.htmx and next_url == "my-votes":
        view = MyVotesView()
        view.setup(request)
        return view.get(request)
    if request.htmx:
        return _item_page(request, vote.item_id)
    if next_url == "my-votes":
        return redirect("roadmap:my-votes")
    return redirect(vote.item)


@require_POST
def item_move(request, pk):
    """A PM moves a card to another column (drag-and-drop through htmx, or the plain form). A
    refused move re-renders the item page with the chosen status and the message at the field."""
    item = get_object_or_404(selectors.items_for_lists(), pk=pk)
    if not can_move_item(request.user, item):
        raise PermissionDenied("Only product managers move roadmap items.")
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            item = services.roadmap_item_move(
                item=item, status=form.cleaned_data["status"], actor=request.user
            )
        except ValidationError as exc:
            form_add_service_error(form, exc)
    if form.errors:
        context = {"item": item, **item_context(request, item, move_form=form)}
        return render(request, "roadmap/item_detail.html", context, status=422)
    messages.success(request, f"“{item}” moved to {item.get_status_display()}.")
    if request.htmx:
        # The message comes out of band (portal.flash); the board reloads its columns (counts,
        # ranks) on the trigger.
        response = HttpResponse("")
        response["HX-Trigger"] = "roadmap-moved"
        return response
    return redirect(_next_url(request))


def _next_url(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return reverse("roadmap:board")


class ItemFormView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    template_name = "roadmap/item_form.html"
    form_class = RoadmapItemForm
    success_message = "Saved “{object}”."
    item = None

    def has_permission(self):
        user = self.request.user
        return can_edit_item(user, self.item) if self.item else can_create_item(user)

    def dispatch(self, request, *args, **kwargs):
        if "pk" in kwargs:
            self.item = get_object_or_404(RoadmapItem, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.item
        if self.item is None:
            kwargs.setdefault("initial", {})["owner"] = self.request.user.pk
        return kwargs

    def perform(self, form):
        data = {k: form.cleaned_data[k] for k in form.fields}
        if self.item is None:
            return services.roadmap_item_create(actor=self.request.user, **data)
        return services.roadmap_item_update(item=self.item, actor=self.request.user, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(item=self.item, **kwargs)


class MyVotesView(PermissionRequiredMixin, ListView):
    permission_required = "roadmap.add_vote"
    template_name = "roadmap/my_votes.html"
    context_object_name = "votes"
    paginate_by = 50

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return csv_response(
                filename="my-votes.csv",
                header=VOTE_CSV_HEADER,
                rows=(_vote_row(vote) for vote in self.get_queryset()),
            )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.votes_of(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = selectors.vote_totals_of(self.request.user)
        return context


ITEM_VOTE_CSV_HEADER = [
    "Account", "Tier", "ARR (USD)", "CS rep", "Expected health impact", "Evidence", "Updated",
]  # fmt: skip
VOTE_CSV_HEADER = [
    "Item", "Item status", "Rank", "Account", "Expected health impact", "Evidence", "Updated",
    "URL",
]  # fmt: skip


def _vote_row(vote: Vote) -> list:
    return [
        vote.item.title,
        vote.item.get_status_display(),
        vote.item.rank or "",
        vote.account.name,
        vote.get_expected_health_impact_display(),
        vote.evidence,
        vote.updated_at.date().isoformat(),
        vote.item.get_absolute_url(),
    ]


class ScoringPolicyView(PermissionRequiredMixin, ServiceFormMixin, FormView):
    """The weights of the priority score; portal admins change them, everyone may read them."""

    permission_required = "roadmap.view_scoringpolicy"
    template_name = "roadmap/policy.html"
    form_class = ScoringPolicyForm
    success_message = "Saved {object}. Scores are being recomputed."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ScoringPolicy.current()}

    def post(self, request, *args, **kwargs):
        if not can_change_policy(request.user):
            raise PermissionDenied("Only portal admins change the scoring policy.")
        return super().post(request, *args, **kwargs)

    def perform(self, form):
        data = {k: form.cleaned_data[k] for k in form.fields}
        return services.scoring_policy_update(actor=self.request.user, **data)

    def get_success_url(self) -> str:
        return reverse("roadmap:policy")

    def get_context_data(self, **kwargs):
        policy = ScoringPolicy.current()
        return super().get_context_data(
            policy=policy,
            versions=policy.history.select_related("history_user").order_by("-history_date")[:20],
            state=ScoringState.objects.filter(pk=1).first(),
            **kwargs,
        )


@require_POST
def recompute_now(request):
    if not can_recompute(request.user):
        raise PermissionDenied
    priorities_request(cause="recompute requested by an admin")
    messages.success(request, "Recompute requested: the board updates within a minute.")
    return redirect(_next_url(request))
