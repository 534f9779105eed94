"""Pages and actions: who may do what (owner, colleague, outsider) and constant query counts."""

import pytest
from django.urls import reverse

from roadmap import demand
from roadmap.betas import services
from roadmap.betas.views import PARTICIPANTS_PER_PAGE
from roadmap.models import BetaParticipant
from tests.factories import AccountFactory

from ..factories import BetaProgramFactory, LaunchableItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(django_user_model):
    return django_user_model.objects.create_user("outsider", password="x")


def nominate(client, program, account):
    return client.post(reverse("roadmap:beta-nominate", args=[program.pk]), {"account": account.pk})


def test_cs_rep_nominates_own_account_not_a_colleagues(
    client_for, cs_rep, cs_rep_colleague, account
):
    program = BetaProgramFactory()
    colleague = client_for(cs_rep_colleague)
    refused = nominate(colleague, program, account)
    assert refused.status_code == 422
    assert "you act only on behalf of the accounts you manage" in refused.content.decode()
    assert not BetaParticipant.objects.exists()
    owner = client_for(cs_rep)
    response = nominate(owner, program, account)
    assert response.status_code == 302
    assert BetaParticipant.objects.get().nominated_by == cs_rep
    page = owner.get(program.get_absolute_url()).content.decode()
    assert f"{account.name} is nominated for {program.name}." in page


def test_outsider_and_admin_cannot_nominate_or_manage(
    client_for, outsider, portal_admin, account, pm
):
    program = BetaProgramFactory()
    participant = services.beta_participant_nominate(program=program, account=account, actor=pm)
    transition = reverse("roadmap:beta-participant-transition", args=[participant.pk])
    for user in (outsider, portal_admin):
        client = client_for(user)
        assert nominate(client, program, AccountFactory()).status_code == 403
        assert client.post(transition, {"state": "invited"}).status_code == 403
    # Admins read; outsiders do not.
    assert client_for(portal_admin).get(program.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(program.get_absolute_url()).status_code == 403
    assert client_for(outsider).get(reverse("roadmap:beta-list")).status_code == 403
    assert client_for(outsider).get(reverse("roadmap:launch-calendar")).status_code == 403


def test_pm_runs_the_program_through_its_pages(client_for, pm, account):
    client = client_for(pm)
    item = LaunchableItemFactory(title="Automations")
    response = client.post(
        reverse("roadmap:beta-create"),
        {
            "item": item.pk,
            "name": "Automations beta",
            "status": "open",
            "capacity": 2,
            "min_health_score": 60,
            "allowed_tiers": ["mid_market"],
            "allowed_segments": "saas, retail",
            "excluded_stages": ["at_risk", "churned"],
        },
    )
    assert response.status_code == 302, response.content.decode()
    program = item.beta_programs.get()
    assert program.allowed_segments == ["saas", "retail"] and program.pm_owner == pm
    page = client.get(program.get_absolute_url()).content.decode()
    assert account.name in page and "health 75 (green)" in page
    nominate(client, program, account)
    participant = BetaParticipant.objects.get()
    transition = reverse("roadmap:beta-participant-transition", args=[participant.pk])
    for state in ("invited", "accepted", "active"):
        client.post(transition, {"state": state})
    bad = client.post(transition, {"state": "nominated"}, follow=True).content.decode()
    assert f"{account.name} is active and cannot become nominated." in bad
    complete = reverse("roadmap:beta-participant-complete", args=[participant.pk])
    assert client.post(complete, {"rating": "9"}).status_code == 200  # form re-rendered
    client.post(complete, {"rating": "5", "comments": "Loved it"})
    participant.refresh_from_db()
    assert (participant.state, participant.validation_rating) == ("completed", 5)
    page = client.get(program.get_absolute_url()).content.decode()
    assert "100% positive (1 of 1 rated 4 or 5), which meets the 75% target" in page


def test_invalid_program_form_rerenders_with_messages(client_for, pm):
    item = LaunchableItemFactory()
    response = client_for(pm).post(
        reverse("roadmap:beta-create"),
        {"item": item.pk, "name": "", "status": "open", "capacity": 0},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body and "greater than or equal to 1" in body


def test_cs_rep_cannot_create_programs(client_for, cs_rep):
    assert client_for(cs_rep).get(reverse("roadmap:beta-create")).status_code == 403


def test_eligibility_check_fragment_and_page(client_for, cs_rep):
    program = BetaProgramFactory(min_health_score=80)
    account = AccountFactory(name="Checked", health_score=62)
    client = client_for(cs_rep)
    check = reverse("roadmap:beta-check", args=[program.pk])
    fragment = client.get(check, {"account": account.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert "Checked: not eligible" in fragment
    assert "health 62 is below the program&#x27;s minimum 80" in fragment
    assert "<html" in client.get(check, {"account": account.pk}).content.decode()


def test_account_eligibility_partial_for_the_account_page(client_for, cs_rep, account):
    BetaProgramFactory(name="Open one")
    BetaProgramFactory(name="Too strict", min_health_score=90)
    url = reverse("roadmap:beta-account-eligibility", args=[account.pk])
    client = client_for(cs_rep)
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="beta-eligibility"' in fragment
    assert "Open one" in fragment and "Too strict" in fragment
    assert "health 75 is below the program&#x27;s minimum 90" in fragment
    assert f"Nominate {account.name}" in fragment  # the rep manages this account
    assert client.get(reverse("roadmap:beta-account-eligibility", args=[9999])).status_code == 404


def _programs(size, pm):
    for i in range(size):
        program = BetaProgramFactory(pm_owner=pm, cs_owner=pm)
        for _ in range(2):
            p = BetaParticipant.objects.create(program=program, account=AccountFactory())
            if i % 2:
                p.state = "completed"
                p.validation_rating = 4
                p.save()


@pytest.mark.parametrize("size", [2, 12])
def test_program_list_query_count_is_constant(client_for, pm, size, django_assert_num_queries):
    _programs(size, pm)
    client = client_for(pm)
    # session, user, permissions (user, group), groups for the badges, count, page of programs
    with django_assert_num_queries(7):
        response = client.get(reverse("roadmap:beta-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [3, 30])
def test_program_page_query_count_is_constant(
    client_for, pm, size, demand_source, django_assert_num_queries
):
    program = BetaProgramFactory(per_csm_cap=5)
    accounts = AccountFactory.create_batch(size)
    demand_source(program.item, accounts[0], "vote", "high")
    for account in accounts[: size // 3]:
        services.beta_participant_nominate(program=program, account=account, actor=pm)
    client = client_for(pm)
    # session, user, permissions (2), program with counts, seats, CSM loads, states, one per
    # demand source (the test's votes and every app's real one, e.g. feedback), candidates,
    # groups, participants (count, page), the check form's account picker (2), and the adoption
    # factor's related feature keys (none here, so not its usage query)
    with django_assert_num_queries(PROGRAM_PAGE_QUERIES + len(demand.demand_sources())):
        response = client.get(program.get_absolute_url())
    assert response.status_code == 200


PROGRAM_PAGE_QUERIES = 15


def _participants(program, size):
    for i in range(size):
        BetaParticipant.objects.create(
            program=program, account=AccountFactory(name=f"Participant {i:02d}")
        )


@pytest.mark.parametrize("size", [3, 30])
def test_program_page_paginates_participants_at_a_constant_query_count(
    client_for, pm, size, django_assert_num_queries
):
    program = BetaProgramFactory()
    _participants(program, size)
    client = client_for(pm)
    client.get(program.get_absolute_url())  # warm the session
    for page in ("1", "2"):
        with django_assert_num_queries(PROGRAM_PAGE_QUERIES + len(demand.demand_sources())):
            response = client.get(program.get_absolute_url(), {"page": page})
        assert response.status_code == 200
    body = response.content.decode()
    # The total, whichever page is shown.
    assert f'data-testid="participants-total">{size}<' in body
    rows = body.count('data-testid="participant"')
    if size > PARTICIPANTS_PER_PAGE:
        # Page 2 holds the rest; the range and the way back are said in words.
        assert rows == size - PARTICIPANTS_PER_PAGE
        assert f"Showing {PARTICIPANTS_PER_PAGE + 1}–{size} of {size}." in body
        assert f"Page 2 of 2 ({size} in all)" in body
        assert "page=1#participants" in body and "Next ›" not in body
    else:
        # One page (page 2 of one page is that page): no pager.
        assert rows == size
        assert 'aria-label="Participant pages"' not in body


def test_participant_pages_keep_other_parameters_and_bad_pages_fall_back(client_for, pm):
    program = BetaProgramFactory()
    _participants(program, PARTICIPANTS_PER_PAGE + 1)
    client = client_for(pm)
    first = client.get(program.get_absolute_url(), {"ref": "home"}).content.decode()
    assert first.count('data-testid="participant"') == PARTICIPANTS_PER_PAGE
    assert 'href="?ref=home&amp;page=2#participants"' in first
    for bad in ("abc", "0", "-1", "99999999999999999999"):
        response = client.get(program.get_absolute_url(), {"page": bad})
        assert response.status_code == 200, bad
        assert 'data-testid="participants-total">26<' in response.content.decode()


def test_a_move_on_the_second_page_returns_to_that_page(client_for, pm):
    program = BetaProgramFactory()
    _participants(program, PARTICIPANTS_PER_PAGE + 1)
    last = BetaParticipant.objects.get(account__name=f"Participant {PARTICIPANTS_PER_PAGE:02d}")
    client = client_for(pm)
    page = client.get(program.get_absolute_url(), {"page": "2"}).content.decode()
    assert '<input type="hidden" name="page" value="2">' in page
    url = reverse("roadmap:beta-participant-transition", args=[last.pk])
    response = client.post(url, {"state": "invited", "page": "2"})
    assert response.status_code == 302
    assert response.url == f"{program.get_absolute_url()}?page=2#participants"
    last.refresh_from_db()
    assert last.state == "invited"
    # A tampered page number is dropped rather than echoed.
    other = BetaParticipant.objects.filter(state="nominated").first()
    url = reverse("roadmap:beta-participant-transition", args=[other.pk])
    response = client.post(url, {"state": "invited", "page": "2x"})
    assert response.url == f"{program.get_absolute_url()}#participants"


# --- Refused actions: the page again, with the input and the service's own message ----------------


def test_refused_nomination_rerenders_the_program_page_with_the_reason(client_for, pm):
    program = BetaProgramFactory(name="Strict", min_health_score=90)
    account = AccountFactory(name="Low Health", health_score=40)
    response = nominate(client_for(pm), program, account)
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="nominate-errors"' in body
    reason = "health 40 is below the program&#x27;s minimum 90"
    assert f"Low Health cannot be nominated: {reason}" in body
    assert "Candidates" in body  # the whole page, not a bare error
    assert not BetaParticipant.objects.exists()


def test_nomination_without_an_account_names_the_field(client_for, pm):
    program = BetaProgramFactory()
    response = client_for(pm).post(reverse("roadmap:beta-nominate", args=[program.pk]), {})
    assert response.status_code == 422
    assert "Account: This field is required." in response.content.decode()


def test_refused_transition_rerenders_at_the_participant_with_the_field_message(
    client_for, pm, account
):
    program = BetaProgramFactory()
    participant = services.beta_participant_nominate(program=program, account=account, actor=pm)
    url = reverse("roadmap:beta-participant-transition", args=[participant.pk])
    response = client_for(pm).post(url, {"state": "active", "note": "skip ahead"})
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="transition-errors"' in body
    assert f"State: {account.name} is nominated and cannot become active." in body
    participant.refresh_from_db()
    assert participant.state == "nominated"
    # A note longer than the form allows: the field's own message, not a canned one.
    long_note = client_for(pm).post(url, {"state": "invited", "note": "x" * 201})
    assert long_note.status_code == 422
    assert "Ensure this value has at most 200 characters (it has 201)." in (
        long_note.content.decode()
    )


def test_a_tampered_status_filter_shows_no_programs_and_says_why(client_for, pm):
    BetaProgramFactory(name="Running one", status="running")
    client = client_for(pm)
    url = reverse("roadmap:beta-list")
    response = client.get(url, {"status": "paused"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body and "paused is not one of" in body
    assert not response.context["programs"] and "Running one" not in body
    csv_body = client.get(url, {"status": "paused", "export": "csv"})
    assert b"".join(csv_body.streaming_content).decode().count("\n") == 1  # the header only
    assert "Running one" in client.get(url, {"status": "running"}).content.decode()
