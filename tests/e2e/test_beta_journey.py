"""A PM opens a beta program, sees ranked candidates with reasons, nominates two; the second is
refused because the program is full, with a message that says so."""

import pytest
from playwright.sync_api import expect

from roadmap import demand
from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory
from tests.roadmap.factories import BetaProgramFactory


@pytest.fixture
def vote_source():
    """One "vote" demand signal, registered like the votes area registers its real source."""
    from django.db.models import F, Value

    from portal.models import Account

    saved = demand.demand_sources()

    def register(item, account):
        demand.register_demand_source(
            "vote",
            lambda: Account.objects.filter(pk=account.pk).annotate(
                item_id=Value(item.pk),
                account_id=F("id"),
                level=Value("high"),
                actor_id=F("csm_owner"),
            ),
        )

    yield register
    demand._sources.clear()
    demand._sources.update(saved)


@pytest.mark.django_db(transaction=True)
def test_pm_nominates_ranked_candidates_until_the_program_is_full(page, login, vote_source):
    pm = ProductManagerFactory(username="e2e_pm", first_name="Pat")
    rep = CsRepFactory(username="e2e_rep", first_name="Riley")
    program = BetaProgramFactory(
        name="Automation early access", capacity=1, min_health_score=60, item__title="Automations"
    )
    AccountFactory(name="Steady Co", health_score=80, csm_owner=rep)
    champion = AccountFactory(name="Champion Inc", health_score=72, csm_owner=rep)
    AccountFactory(name="Struggling Ltd", health_score=35, csm_owner=rep)
    vote_source(program.item, champion)

    login(pm)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Betas").click()
    page.get_by_role("link", name="Automation early access").click()
    expect(page.get_by_role("heading", name="Automation early access")).to_be_visible()

    candidates = page.get_by_test_id("candidate")
    expect(candidates).to_have_count(2)  # Struggling Ltd is below the minimum health
    expect(candidates.nth(0)).to_contain_text("Champion Inc")
    expect(candidates.nth(0)).to_contain_text("voted for this item (high)")
    expect(candidates.nth(1)).to_contain_text("Steady Co")
    expect(candidates.nth(1)).to_contain_text("health 80 (green)")

    page.get_by_role("button", name="Nominate Champion Inc").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Champion Inc is nominated for Automation early access."
    )
    expect(page.get_by_test_id("participant")).to_have_count(1)
    expect(page.get_by_test_id("participant")).to_contain_text("Champion Inc")

    page.get_by_role("button", name="Nominate Steady Co").click()
    # Refused: the program page again, with the service's message where the nomination failed.
    expect(page.get_by_role("alert")).to_contain_text(
        "Steady Co cannot be nominated: the program is full: 1 of 1 places are taken."
    )
    expect(page.get_by_test_id("participant")).to_have_count(1)
