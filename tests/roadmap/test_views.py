"""Roadmap pages: what each role sees and may do, and constant query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from portal.models import OutboxEvent
from roadmap import scoring
from roadmap.models import RoadmapItem, ScoringPolicy, Vote
from tests.factories import AccountFactory, CsRepFactory

from .factories import RoadmapItemFactory, VoteFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("roadmap:board")


def _ranked_items(n, *, rep=None):
    items = RoadmapItem.objects.bulk_create(
        [
            RoadmapItem(title=f"Bulk {i:04d}", status=["under_consideration", "planned"][i % 2])
            for i in range(n)
        ]
    )
    if rep is not None:
        account = AccountFactory(csm_owner=rep)
        Vote.objects.bulk_create(
            [Vote(item=i, account=account, rep=rep, evidence="e") for i in items]
        )
    scoring.priorities_recompute()
    scoring.priorities_recompute()  # two snapshots each: trend lines
    return items


# --- Board --------------------------------------------------------------------------------------


def test_board_shows_ranked_cards_with_facts(client_for, cs_rep, account):
    item = RoadmapItemFactory(title="Faster exports")
    VoteFactory(item=item, account=account, rep=cs_rep)
    RoadmapItemFactory(title="Shipped thing", status="shipped")
    scoring.priorities_recompute()
    scoring.priorities_recompute()
    html = client_for(cs_rep).get(BOARD).content.decode()
    assert "Faster exports" in html and "Shipped thing" in html
    assert "#1" in html
    assert "1 vote" in html and "1 account" in html and "$50k ARR" in html
    assert "no CS consensus yet" in html
    assert '<svg class="sparkline' in html
    assert 'draggable="true"' not in html  # CS reps cannot move cards
    assert "Move…" not in html


def test_board_for_pm_has_drag_and_drop_and_move_forms(client_for, pm):
    RoadmapItemFactory()
    html = client_for(pm).get(BOARD).content.decode()
    assert 'draggable="true"' in html
    assert 'data-can-move="true"' in html
    assert "Move…" in html


def test_board_filters(client_for, cs_rep):
    enterprise = AccountFactory(tier="enterprise", segment="healthcare", csm_owner=cs_rep)
    a = RoadmapItemFactory(title="Alpha", product_area="analytics", horizon="now")
    RoadmapItemFactory(title="Beta thing", product_area="security", horizon="later")
    VoteFactory(item=a, account=enterprise, rep=cs_rep)
    client = client_for(cs_rep)

    def titles(query):
        html = client.get(BOARD + query).content.decode()
        return {t for t in ("Alpha", "Beta thing") if f">{t}</a>" in html}

    assert titles("") == {"Alpha", "Beta thing"}
    assert titles("?product_area=security") == {"Beta thing"}
    assert titles("?horizon=now") == {"Alpha"}
    assert titles("?tier=enterprise") == {"Alpha"}
    assert titles("?segment=healthcare") == {"Alpha"}
    assert titles("?segment=retail") == set()
    assert titles("?q=beta") == {"Beta thing"}


def test_board_columns_show_20_and_load_more(client_for, cs_rep):
    _ranked_items(50)
    client = client_for(cs_rep)
    html = client.get(BOARD).content.decode()
    assert html.count('class="card roadmap-card"') == 40  # 25 + 25 items, 20 shown in each
    assert "more=under_consideration&amp;offset=20" in html
    assert "Load more (20 of 25 shown)" in html
    more = client.get(BOARD + "?more=under_consideration&offset=20", HTTP_HX_REQUEST="true")
    part = more.content.decode()
    assert part.count('class="card roadmap-card"') == 5
    assert "<html" not in part and "offset=25" not in part
    # Without JavaScript the link shows the longer column on the full page.
    full = client.get(BOARD + "?more=under_consideration&offset=20").content.decode()
    assert full.count('class="card roadmap-card"') == 45


def test_cached_cards_follow_the_item(client_for, pm):
    """A card's cached fragment is keyed by what it shows: a new score, title or rank shows at
    once; the move form's CSRF field is filled per request."""
    item = RoadmapItemFactory(title="Cached card", rank=3, score=2)
    client = client_for(pm)
    first = client.get(BOARD).content.decode()
    assert "Cached card" in first and ">#3<" in first
    RoadmapItem.objects.filter(pk=item.pk).update(title="Renamed card", rank=1, score=9)
    again = client.get(BOARD).content.decode()
    assert "Renamed card" in again and ">#1<" in again and "9.00" in again
    assert 'name="csrfmiddlewaretoken"' in again and "\x00" not in again
    # A rep sees the same card from the cache's other entry: no move form at all.
    rep_page = client_for(CsRepFactory()).get(BOARD).content.decode()
    assert "Renamed card" in rep_page and "csrfmiddlewaretoken" not in rep_page.split("board")[-1]


@pytest.mark.parametrize("n", [10, 1000])
def test_board_query_count_is_constant(client_for, cs_rep, n, django_assert_num_queries):
    _ranked_items(n, rep=CsRepFactory(username="voter"))
    client = client_for(cs_rep)
    client.get(BOARD)
    # Session, user, permissions, product areas, owners, cards, column totals, trend lines and
    # recompute state: the same for 10 and 1,000 items, filtered or not.
    with django_assert_num_queries(11):
        client.get(BOARD + "?tier=smb&tier=mid_market&q=Bulk")
    with django_assert_num_queries(11):
        client.get(BOARD)


# --- Moving cards ------------------------------------------------------------------------------


def test_pm_moves_a_card_with_the_form_and_with_htmx(
    eager, client_for, pm, django_capture_on_commit_callbacks
):
    item = RoadmapItemFactory()
    client = client_for(pm)
    url = reverse("roadmap:item-move", args=[item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"status": "planned", "next": BOARD})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "planned"
    assert item.rank == 1  # recomputed after the move (eager Celery)
    response = client.post(url, {"status": "shipped"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200  # the message, out of band (portal.flash)
    assert response["HX-Trigger"] == "roadmap-moved"
    assert 'hx-swap-oob="innerHTML"' in response.content.decode()
    assert f"“{item.title}” moved to Shipped." in response.content.decode()
    item.refresh_from_db()
    assert item.status == "shipped"
    assert OutboxEvent.objects.filter(topic="item_shipped").count() == 1
    assert item.history.count() == 3


def test_move_refuses_open_redirects(client_for, pm):
    item = RoadmapItemFactory()
    url = reverse("roadmap:item-move", args=[item.pk])
    response = client_for(pm).post(url, {"status": "planned", "next": "https://evil.example/"})
    assert response.url == BOARD


@pytest.mark.parametrize("role", ["cs_rep", "portal_admin"])
def test_cs_reps_and_admins_cannot_move_cards(client_for, request, role):
    user = request.getfixturevalue(role)
    item = RoadmapItemFactory()
    url = reverse("roadmap:item-move", args=[item.pk])
    assert client_for(user).post(url, {"status": "planned"}).status_code == 403
    assert (
        client_for(user).post(url, {"status": "planned"}, HTTP_HX_REQUEST="true").status_code == 403
    )
    item.refresh_from_db()
    assert item.status == "under_consideration"


# --- Voting --------------------------------------------------------------------------------------


def test_rep_votes_with_evidence_and_votes_again_to_update(client_for, cs_rep, account):
    item = RoadmapItemFactory()
    client = client_for(cs_rep)
    url = reverse("roadmap:item-vote", args=[item.pk])
    body = {
        "account": account.pk,
        "evidence": "Cuts onboarding by a week",
        "expected_health_impact": "high",
    }
    assert client.post(url, body).status_code == 302
    body["expected_health_impact"] = "low"
    assert client.post(url, body).status_code == 302
    vote = Vote.objects.get()
    assert vote.expected_health_impact == "low"
    assert vote.history.count() == 2
    page = client.get(item.get_absolute_url()).content.decode()
    assert "Cuts onboarding by a week" in page
    assert "Withdraw" in page


def test_vote_without_evidence_keeps_the_input_with_the_error_at_the_field(
    client_for, cs_rep, account
):
    item = RoadmapItemFactory()
    url = reverse("roadmap:item-vote", args=[item.pk])
    response = client_for(cs_rep).post(
        url, {"account": account.pk, "evidence": "  ", "expected_health_impact": "high"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="field has-error"' in html
    assert "This field is required" in html
    assert f'<option value="{account.pk}" selected>' in html
    assert not Vote.objects.exists()


def test_colleague_cannot_vote_for_my_account_and_pm_cannot_vote(
    client_for, cs_rep_colleague, pm, account
):
    item = RoadmapItemFactory()
    url = reverse("roadmap:item-vote", args=[item.pk])
    body = {"account": account.pk, "evidence": "x", "expected_health_impact": "low"}
    response = client_for(cs_rep_colleague).post(url, body)
    assert response.status_code == 422  # not among the colleague's accounts
    assert client_for(pm).post(url, body).status_code == 403
    assert not Vote.objects.exists()


def test_withdraw_by_owner_colleague_and_outsider(
    client_for, cs_rep, cs_rep_colleague, pm, account
):
    vote = VoteFactory(account=account, rep=cs_rep)
    url = reverse("roadmap:vote-withdraw", args=[vote.pk])
    assert client_for(cs_rep_colleague).post(url).status_code == 403
    assert client_for(pm).post(url).status_code == 403
    assert Vote.objects.exists()
    response = client_for(cs_rep).post(url, {"next": "my-votes"})
    assert response.url == reverse("roadmap:my-votes")
    assert not Vote.objects.exists()
    assert OutboxEvent.objects.filter(topic="vote_withdrawn").count() == 1


def test_my_votes_lists_only_mine_with_constant_queries(
    client_for, cs_rep, cs_rep_colleague, account, django_assert_num_queries
):
    VoteFactory(account=account, rep=cs_rep, item__title="Mine")
    VoteFactory(rep=cs_rep_colleague, item__title="Theirs")
    client = client_for(cs_rep)
    html = client.get(reverse("roadmap:my-votes")).content.decode()
    assert "Mine" in html and "Theirs" not in html
    with django_assert_num_queries(8):
        client.get(reverse("roadmap:my-votes"))
    for _ in range(15):
        VoteFactory(account=AccountFactory(csm_owner=cs_rep), rep=cs_rep)
    with django_assert_num_queries(8):
        client.get(reverse("roadmap:my-votes"))


def test_my_votes_in_navigation_for_reps_only(client_for, cs_rep, pm):
    assert "My votes" in client_for(cs_rep).get(BOARD).content.decode()
    assert "My votes" not in client_for(pm).get(BOARD).content.decode()


# --- Item page -----------------------------------------------------------------------------------


def test_item_page_explains_the_rank(client_for, cs_rep, account):
    item = RoadmapItemFactory(description="Needs **bold** <script>alert(1)</script>")
    VoteFactory(item=item, account=account, rep=cs_rep)
    scoring.priorities_recompute()
    html = client_for(cs_rep).get(item.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in html and "<script>alert" not in html
    assert "Why is it ranked here?" in html
    assert "No CS consensus yet" in html
    assert "Top contributing accounts" in html and account.name in html
    assert "Score history" in html
    assert "Create Jira issue" not in html  # the integrations app provides the URL later


def test_item_page_query_count_is_constant(client_for, cs_rep, account, django_assert_num_queries):
    item = RoadmapItemFactory()
    VoteFactory(item=item, account=account, rep=cs_rep)
    scoring.priorities_recompute()
    client = client_for(cs_rep)
    client.get(item.get_absolute_url())
    with django_assert_num_queries(10):
        client.get(item.get_absolute_url())
    for _ in range(12):
        VoteFactory(item=item)
    scoring.priorities_recompute()
    with django_assert_num_queries(10):
        client.get(item.get_absolute_url())


# --- List and CSV -----------------------------------------------------------------------------


def test_list_sorts_and_exports_csv(client_for, cs_rep, account, django_assert_num_queries):
    a = RoadmapItemFactory(title="Aardvark")
    RoadmapItemFactory(title="=HYPERLINK(evil)")
    VoteFactory(item=a, account=account, rep=cs_rep)
    scoring.priorities_recompute()
    client = client_for(cs_rep)
    html = client.get(reverse("roadmap:item-list") + "?ordering=-title").content.decode()
    assert html.index("Aardvark") < html.index("HYPERLINK")
    response = client.get(reverse("roadmap:item-list") + "?ordering=rank&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = b"".join(response.streaming_content).decode().splitlines()
    assert rows[0].startswith("Rank,Title,Status")
    assert rows[1].startswith("1,Aardvark,Under consideration")
    assert "'=HYPERLINK(evil)" in rows[2]
    client.get(reverse("roadmap:item-list"))
    # 9 since the filter bar renders the owner PM select (its choices are one query).
    with django_assert_num_queries(9):
        client.get(reverse("roadmap:item-list"))
    _ranked_items(60)
    with django_assert_num_queries(9):
        client.get(reverse("roadmap:item-list"))


# --- Items: create and edit ------------------------------------------------------------------


def test_pm_creates_and_edits_items_reps_cannot(
    eager, client_for, pm, cs_rep, django_capture_on_commit_callbacks
):
    client = client_for(pm)
    body = {
        "title": "Custom fields",
        "description": "x",
        "status": "under_consideration",
        "impact": "1.5",
        "confidence": "0.8",
        "effort": "2",
        "owner": pm.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("roadmap:item-create"), body)
    item = RoadmapItem.objects.get(title="Custom fields")
    assert response.url == item.get_absolute_url()
    assert item.rank == 1
    body["effort"] = "0"
    response = client.post(reverse("roadmap:item-edit", args=[item.pk]), body)
    assert response.status_code == 200
    assert "effort" in response.context["form"].errors
    assert client_for(cs_rep).get(reverse("roadmap:item-create")).status_code == 403
    assert (
        client_for(cs_rep).post(reverse("roadmap:item-edit", args=[item.pk]), body).status_code
        == 403
    )


# --- Scoring policy ------------------------------------------------------------------------------


def _policy_body(**changes):
    policy = ScoringPolicy.current()
    from roadmap.forms import ScoringPolicyForm

    body = {f: getattr(policy, f) for f in ScoringPolicyForm.Meta.fields}
    body.update(changes)
    return body


def test_admin_edits_policy_new_version_and_recompute(
    eager, client_for, portal_admin, cs_rep, account, django_capture_on_commit_callbacks
):
    item = RoadmapItemFactory()
    VoteFactory(item=item, account=account, rep=cs_rep)
    scoring.priorities_recompute()
    before = RoadmapItem.objects.get().score
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(portal_admin).post(
            reverse("roadmap:policy"), _policy_body(tier_weight_mid_market=Decimal(4))
        )
    assert response.status_code == 302
    policy = ScoringPolicy.current()
    assert policy.version == 2
    assert policy.history.count() == 2
    assert RoadmapItem.objects.get().score == before * 2


@pytest.mark.parametrize("role", ["cs_rep", "pm", "portal_admin_colleague"])
def test_policy_page_roles(client_for, request, role):
    user = request.getfixturevalue(role)
    client = client_for(user)
    assert client.get(reverse("roadmap:policy")).status_code == 200
    response = client.post(reverse("roadmap:policy"), _policy_body(consensus_threshold=1))
    assert response.status_code == (302 if role == "portal_admin_colleague" else 403)


def test_refused_move_rerenders_the_item_page_with_the_field_message(client_for, pm):
    item = RoadmapItemFactory(title="Stays put")
    response = client_for(pm).post(
        reverse("roadmap:item-move", args=[item.pk]), {"status": "vanished"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Stays put" in body
    assert "Select a valid choice. vanished is not one of the available choices." in body
    item.refresh_from_db()
    assert item.status == "under_consideration"
