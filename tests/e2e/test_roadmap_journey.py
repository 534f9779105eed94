"""A CS rep votes for an item with evidence; after the recompute it ranks first; a PM sees the
rank on the board and drags the card to "Planned"."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from roadmap import scoring
from roadmap.models import RoadmapItem, Vote
from tests.factories import AccountFactory, CsRepFactory, ProductManagerFactory
from tests.roadmap.factories import RoadmapItemFactory


@pytest.mark.django_db(transaction=True)
def test_rep_votes_and_pm_drags_the_card_to_planned(page, login, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # recompute right after the vote commits
    rep = CsRepFactory(username="e2e_rep", first_name="Riley")
    other_rep = CsRepFactory(username="e2e_rep2")
    pm = ProductManagerFactory(username="e2e_pm", first_name="Pat")
    AccountFactory(name="Globex Health", tier="enterprise", arr=Decimal(900_000), csm_owner=rep)
    small = AccountFactory(name="Tiny Shop", tier="smb", arr=Decimal(5_000), csm_owner=other_rep)
    leader = RoadmapItemFactory(title="Audit log export")
    target = RoadmapItemFactory(title="SSO with Okta")
    Vote.objects.create(item=leader, account=small, rep=other_rep, evidence="Compliance ask")
    scoring.priorities_recompute()
    assert RoadmapItem.objects.get(pk=target.pk).rank == 2

    # The CS rep votes on behalf of their account, with evidence.
    login(rep)
    page.goto(target.get_absolute_url())
    page.locator("#id_account").select_option(label="Globex Health")
    page.get_by_label("Evidence").fill("Their IT team will switch off the legacy IdP: 300 seats.")
    page.get_by_label("Expected health impact").select_option("high")
    page.get_by_role("button", name="Vote", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Your vote for Globex Health is recorded")
    expect(page.locator("#votes")).to_contain_text("300 seats")
    expect(page.locator("h1")).to_contain_text("#1")
    page.get_by_role("button", name="Log out").click()

    # The PM sees the new rank on the board and drags the card to "Planned".
    login(pm)
    page.goto("/roadmap/")
    card = page.locator(f"#item-{target.pk}")
    expect(card.locator(".rank")).to_have_text("#1")
    expect(card).to_contain_text("no CS consensus yet")
    card.drag_to(page.locator('section.column[data-status="planned"]'))
    planned = page.locator('section.column[data-status="planned"]')
    expect(planned.locator(f"#item-{target.pk}")).to_be_visible()
    expect(planned.locator("h2 .badge")).to_have_text("1")  # the board re-rendered from the server
    assert RoadmapItem.objects.get(pk=target.pk).status == "planned"
    expect(page).to_have_url(re.compile(r"/roadmap/$"))
