"""Every htmx action says what happened in the messages region and updates the parts of the
page it changed; destructive ones ask first: move a card, vote and withdraw (item page and "My
votes"), tick and un-tick a criterion, nominate for a beta."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from integrations.models import AcceptanceCriterion
from roadmap.models import BetaParticipant, RoadmapItem, Vote
from tests.factories import AccountFactory, CsRepFactory, PortalAdminFactory, ProductManagerFactory
from tests.maps.factories import import_seed
from tests.roadmap.factories import BetaProgramFactory, RoadmapItemFactory


def _confirmations(page) -> list[str]:
    asked = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    return asked


@pytest.mark.django_db(transaction=True)
def test_board_move_says_so_and_the_board_follows(page, login):
    pm = ProductManagerFactory(username="e2e_msg_pm")
    item = RoadmapItemFactory(title="Audit log export")
    login(pm)
    page.goto("/roadmap/")
    card = page.locator(f"#item-{item.pk}")
    card.get_by_text("Move…").click()
    card.get_by_label("Move “Audit log export” to").select_option(label="Planned")
    card.get_by_role("button", name="Move").click()
    expect(page.get_by_test_id("messages")).to_contain_text("“Audit log export” moved to Planned.")
    planned = page.locator('section.column[data-status="planned"]')
    expect(planned.locator(f"#item-{item.pk}")).to_be_visible()
    expect(planned.locator("h2 .badge")).to_have_text("1")
    assert page.url.endswith("/roadmap/")  # no page load
    assert RoadmapItem.objects.get(pk=item.pk).status == "planned"


@pytest.mark.django_db(transaction=True)
def test_vote_then_withdraw_with_a_confirmation(page, login, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    rep = CsRepFactory(username="e2e_msg_rep")
    AccountFactory(name="Globex Health", tier="enterprise", arr=Decimal(900_000), csm_owner=rep)
    item = RoadmapItemFactory(title="SSO with Okta")
    asked = _confirmations(page)
    login(rep)
    page.goto(item.get_absolute_url())
    page.locator("#id_account").select_option(label="Globex Health")
    page.get_by_label("Evidence").fill("300 seats move off the legacy IdP.")
    page.get_by_role("button", name="Vote", exact=True).click()
    messages = page.get_by_test_id("messages")
    expect(messages).to_contain_text("Your vote for Globex Health is recorded")
    expect(page.locator("#votes h2 .badge")).to_have_text("1")
    expect(page.locator("#item-title")).to_contain_text("#1")  # recomputed, shown in place
    page.locator("#votes").get_by_role("button", name="Withdraw").click()
    expect(messages).to_contain_text("Your vote for Globex Health on “SSO with Okta” is withdrawn.")
    expect(page.locator("#votes h2 .badge")).to_have_text("0")
    assert asked == ["Withdraw your vote for Globex Health? Its demand stops counting."]
    assert not Vote.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_withdraw_from_my_votes_updates_the_totals(page, login):
    rep = CsRepFactory(username="e2e_msg_rep2")
    account = AccountFactory(name="Initech", csm_owner=rep)
    for title in ("Dark mode", "Bulk edit"):
        Vote.objects.create(
            item=RoadmapItemFactory(title=title), account=account, rep=rep, evidence="Asked twice"
        )
    asked = _confirmations(page)
    login(rep)
    page.goto("/roadmap/votes/")
    expect(page.get_by_test_id("vote-totals")).to_contain_text("2 votes on 2 items")
    row = page.locator("#my-votes tr", has_text="Dark mode")
    row.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_test_id("messages")).to_contain_text("on “Dark mode” is withdrawn.")
    expect(page.get_by_test_id("vote-totals")).to_contain_text("1 vote on 1 item")
    expect(page.locator("#my-votes")).not_to_contain_text("Dark mode")
    assert asked and "Dark mode" in asked[0]


@pytest.mark.django_db(transaction=True)
def test_tick_and_untick_a_criterion_update_its_history(page, login):
    admin = PortalAdminFactory(username="e2e_msg_admin", first_name="Alex")
    import_seed(actor=admin)
    criterion = AcceptanceCriterion.objects.order_by("point__code", "position", "id").first()
    asked = _confirmations(page)
    login(admin)
    page.goto(criterion.point.get_absolute_url())
    row = page.locator(f"#criterion-{criterion.pk}")
    row.get_by_label("Evidence note").fill("Signed off in PRD-12")
    row.get_by_role("button", name="Tick").click()
    messages = page.get_by_test_id("messages")
    expect(messages).to_contain_text("Ticked: “")
    expect(page.locator("#point-history")).to_contain_text("Signed off in PRD-12")
    row.locator("summary", has_text="Un-tick").click()
    row.get_by_label("Reason").fill("Evidence was for the wrong tenant")
    row.get_by_role("button", name="Un-tick").click()
    expect(messages).to_contain_text("Un-ticked: “")
    expect(page.locator("#point-history")).to_contain_text("Unticked: Evidence was for the wrong")
    assert asked == ["Un-tick this criterion? Its verification is cleared too."]
    criterion.refresh_from_db()
    assert criterion.done_at is None


@pytest.mark.django_db(transaction=True)
def test_nominate_says_so_and_moves_the_account(page, login):
    pm = ProductManagerFactory(username="e2e_msg_pm2")
    program = BetaProgramFactory(name="Automation early access", capacity=3)
    AccountFactory(name="Champion Inc", health_score=80)
    login(pm)
    page.goto(program.get_absolute_url())
    expect(page.get_by_test_id("seats")).to_contain_text("0 / 3")
    page.get_by_role("button", name="Nominate Champion Inc").click()
    expect(page.get_by_test_id("messages")).to_contain_text(
        "Champion Inc is nominated for Automation early access."
    )
    expect(page.get_by_test_id("participant")).to_contain_text("Champion Inc")
    expect(page.get_by_test_id("seats")).to_contain_text("1 / 3")
    expect(page.get_by_role("button", name="Nominate Champion Inc")).to_have_count(0)
    assert BetaParticipant.objects.filter(program=program).count() == 1
