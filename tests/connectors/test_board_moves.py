"""A connector change moves the roadmap board within one recompute, with the real worker: the
CRM sync changing an account's ARR, and a Jira issue going to "done" (the item ships and leaves
the ranking). The change only asks for a recompute (the scores are marked dirty); the worker's
one ``priorities_recompute_dirty`` run moves the ranks — no nightly run, no unrelated vote."""

import json
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client

from integrations.models import ConnectionKind, RunStatus
from portal.models import Account
from roadmap import scoring
from roadmap.choices import ItemStatus
from roadmap.models import RoadmapItem, ScoringState
from roadmap.tasks import priorities_recompute_dirty
from tests import celery_worker
from tests.factories import AccountFactory
from tests.roadmap.factories import RoadmapItemFactory, VoteFactory

from .factories import ConnectionFactory
from .test_crm import company, serve_list
from .test_jira import hook_body, post_hook, signed

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def purge_queue() -> None:
    from portal.celery import app

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete(settings.CELERY_TASK_DEFAULT_QUEUE, "unacked", "unacked_index")


def state() -> ScoringState:
    return ScoringState.objects.get(pk=1)


def ranks() -> dict[str, int | None]:
    return dict(RoadmapItem.objects.values_list("title", "rank"))


def one_recompute_by_the_worker(worker) -> None:
    """Send the beat entry once and wait until the worker has run it (exactly one run more)."""
    before = state().runs
    priorities_recompute_dirty.delay()
    assert celery_worker.wait_for(lambda: state().runs > before), "the worker did not recompute"
    assert celery_worker.wait_for(celery_worker.all_tasks_done)
    assert state().runs == before + 1
    assert worker.poll() is None


@pytest.fixture
def board():
    """Two open items, each voted for by one account: "Exports" (a 2M account) ranks above
    "Alerts" (a 10k account)."""
    purge_queue()
    big = AccountFactory(crm_id="1001", name="Company 1", tier="enterprise", arr=Decimal(2_000_000))
    small = AccountFactory(crm_id="1002", name="Company 2", tier="enterprise", arr=Decimal(10_000))
    VoteFactory(item=RoadmapItemFactory(title="Exports", jira_key="PROD-1"), account=big)
    VoteFactory(item=RoadmapItemFactory(title="Alerts"), account=small)
    scoring.priorities_recompute()
    assert ranks() == {"Exports": 1, "Alerts": 2}
    return big, small


def test_a_crm_change_of_arr_moves_the_board_within_one_recompute(
    board, httpserver, real_broker, run_sync, worker
):
    serve_list(
        httpserver,
        [[company(1, arr="2000000"), company(2, arr="90000000")]],  # Company 2 grew
    )
    crm = ConnectionFactory(
        name="HubSpot",
        kind=ConnectionKind.CRM,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_TEST_HUBSPOT_TOKEN",
    )
    alerts_score = RoadmapItem.objects.get(title="Alerts").score
    run = run_sync(crm)
    assert run.status == RunStatus.SUCCEEDED, run.error
    assert run.failed == 0
    assert Account.objects.get(crm_id="1002").arr == Decimal(90_000_000)
    assert scoring.priorities_pending()  # requested by the sync, not left to the nightly run
    assert ranks() == {"Exports": 1, "Alerts": 2}  # nothing recomputed inside the sync

    one_recompute_by_the_worker(worker)
    assert ranks() == {"Exports": 2, "Alerts": 1}
    assert RoadmapItem.objects.get(title="Alerts").score > alerts_score


def test_a_jira_done_moves_the_board_within_one_recompute(board, httpserver, real_broker, worker):
    jira = ConnectionFactory(
        name="Jira",
        kind=ConnectionKind.JIRA,
        base_url=httpserver.url_for(""),
        credential_env="CONNECTOR_TEST_JIRA_CREDENTIAL",
        secret_env="CONNECTOR_TEST_JIRA_SECRET",
        settings={"project_key": "PROD"},
    )
    body = hook_body("PROD-1", "done")
    response = post_hook(Client(), jira, body, signed(body))
    assert json.loads(response.content)["status"] == "updated"
    exports = RoadmapItem.objects.get(title="Exports")
    assert exports.status == ItemStatus.SHIPPED
    assert scoring.priorities_pending()
    assert ranks() == {"Exports": 1, "Alerts": 2}  # a shipped item keeps its rank until…

    one_recompute_by_the_worker(worker)  # …the one recompute the Jira change asked for
    assert ranks() == {"Exports": None, "Alerts": 1}
