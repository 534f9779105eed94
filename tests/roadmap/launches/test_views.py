"""Launch pages and actions: who may do what, refused actions re-rendered, query counts."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from roadmap.launches import services as launches
from roadmap.models import LaunchPlan

from ..factories import LaunchableItemFactory

pytestmark = pytest.mark.django_db


def test_launch_pages_and_actions(client_for, pm, cs_rep):
    item = LaunchableItemFactory(title="Launchable", launch_date=dt.date(2030, 6, 1))
    client = client_for(pm)
    response = client.post(reverse("roadmap:launch-create"), {"item": item.pk})
    plan = LaunchPlan.objects.get()
    assert response.url == plan.get_absolute_url()
    client.post(reverse("roadmap:launch-move", args=[plan.pk]), {"launch_date": "2030-06-15"})
    freeze = plan.milestones.get(key="feature_freeze")
    assert freeze.due_date == dt.date(2030, 6, 1)
    client.post(reverse("roadmap:milestone-tick", args=[freeze.pk]), {"done": "true"})
    client.post(reverse("roadmap:milestone-move", args=[freeze.pk]), {"due_date": "2030-05-30"})
    freeze.refresh_from_db()
    assert freeze.is_done and freeze.due_date == dt.date(2030, 5, 30)
    added = client.post(
        reverse("roadmap:milestone-add", args=[plan.pk]),
        {"name": "Sales training", "due_date": "2030-06-10", "relative": "on", "owner": cs_rep.pk},
    )
    assert added.status_code == 302
    assert plan.milestones.get(name="Sales training").offset_days == -5
    bad = client.post(reverse("roadmap:milestone-add", args=[plan.pk]), {"name": ""})
    assert bad.status_code == 422 and "This field is required." in bad.content.decode()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Sales training" in page and "Recommendations" in page
    calendar = client.get(reverse("roadmap:launch-calendar")).content.decode()
    assert "Launchable" in calendar and "Ready" in calendar
    # CS reps read plans but do not change them.
    rep = client_for(cs_rep)
    assert rep.get(plan.get_absolute_url()).status_code == 200
    tick = reverse("roadmap:milestone-tick", args=[freeze.pk])
    assert rep.post(tick, {"done": "false"}).status_code == 403


@pytest.mark.parametrize("size", [2, 10])
def test_launch_calendar_query_count_is_constant(client_for, pm, size, django_assert_num_queries):
    for i in range(size):
        plan = launches.launch_plan_create(
            item=LaunchableItemFactory(launch_date=dt.date(2030, 1, 1) + dt.timedelta(days=i)),
            actor=pm,
        )
        assert plan
    client = client_for(pm)
    # session, user, permissions (2), count, plans, milestones, their dependencies, the filter
    # bar's owners, groups, and the items for the "plan a launch" form
    with django_assert_num_queries(11):
        response = client.get(reverse("roadmap:launch-calendar"))
    assert response.status_code == 200


# --- The readiness filter: in the URL, a chip, the count, the pages and the CSV agree -----------


def _plans_by_readiness(pm):
    """Three plans whose readiness today is known: the freeze falls 14 days before the launch."""
    today = timezone.localdate()
    plans = {}
    for status, days in (("ready", 60), ("needs_attention", 16), ("blocked", 10)):
        item = LaunchableItemFactory(
            title=f"Launch {status}", launch_date=today + dt.timedelta(days=days)
        )
        plans[status] = launches.launch_plan_create(item=item, actor=pm)
    return plans


def _csv_titles(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["Launch date", "Roadmap item", "Item status", "Readiness"]
    return [row[1] for row in rows[1:]]


@pytest.mark.parametrize("status", ["ready", "needs_attention", "blocked"])
def test_readiness_filter_lists_exactly_the_plans_in_that_state(client_for, pm, status):
    plans = _plans_by_readiness(pm)
    client = client_for(pm)
    url = reverse("roadmap:launch-calendar")
    response = client.get(url, {"readiness": status})
    assert response.status_code == 200
    assert [p.pk for p in response.context["plans"]] == [plans[status].pk]
    assert [p.readiness.status for p in response.context["plans"]] == [status]
    body = response.content.decode()
    label = {"ready": "Ready", "needs_attention": "Needs attention", "blocked": "Blocked"}[status]
    assert f"Readiness: {label}" in body  # the chip
    assert 'data-testid="filter-count">1 launch<' in body
    assert f'<option value="{status}" selected>{label}</option>' in body
    # The CSV link carries the filter, and the CSV holds the same plans.
    assert f"?export=csv&amp;readiness={status}" in body
    export = client.get(url, {"readiness": status, "export": "csv"})
    assert _csv_titles(export) == [f"Launch {status}"]
    # Without the filter: all three.
    assert len(client.get(url).context["plans"]) == 3


def test_readiness_filter_combines_with_the_others(client_for, pm):
    plans = _plans_by_readiness(pm)
    url = reverse("roadmap:launch-calendar")
    client = client_for(pm)
    response = client.get(url, {"readiness": "blocked", "q": "Launch"})
    assert [p.pk for p in response.context["plans"]] == [plans["blocked"].pk]
    assert not client.get(url, {"readiness": "blocked", "q": "ready"}).context["plans"]


def test_an_unknown_readiness_is_the_filter_bars_field_error_not_a_500(client_for, pm):
    _plans_by_readiness(pm)
    client = client_for(pm)
    url = reverse("roadmap:launch-calendar")
    response = client.get(url, {"readiness": "late"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="filter-errors"' in body
    assert "Readiness: Select a valid choice. late is not one of the available choices." in body
    assert not response.context["plans"]
    assert 'data-testid="filter-count">0 launches<' in body
    # The chip removes the bad value.
    assert f'href="{url}" data-testid="filter-chip"' in body
    assert _csv_titles(client.get(url, {"readiness": "late", "export": "csv"})) == []


@pytest.mark.parametrize("size", [2, 10])
def test_filtered_launch_calendar_query_count_is_constant(
    client_for, pm, size, django_assert_num_queries
):
    today = timezone.localdate()
    for i in range(size):
        launches.launch_plan_create(
            item=LaunchableItemFactory(launch_date=today + dt.timedelta(days=60 + i)), actor=pm
        )
    client = client_for(pm)
    client.get(reverse("roadmap:launch-calendar"))  # warm the session
    # As unfiltered: readiness is a condition in the count and page queries, not a query of its own
    with django_assert_num_queries(11):
        response = client.get(reverse("roadmap:launch-calendar"), {"readiness": "ready"})
    assert len(response.context["plans"]) == size


def test_readiness_filter_pages_in_sql(client_for, pm, monkeypatch):
    from roadmap.launches.views import LaunchCalendarView

    monkeypatch.setattr(LaunchCalendarView, "paginate_by", 2)
    today = timezone.localdate()
    for i in range(3):  # blocked: the freeze is late
        launches.launch_plan_create(
            item=LaunchableItemFactory(launch_date=today + dt.timedelta(days=5 + i)), actor=pm
        )
    for i in range(2):  # ready
        launches.launch_plan_create(
            item=LaunchableItemFactory(launch_date=today + dt.timedelta(days=60 + i)), actor=pm
        )
    client = client_for(pm)
    url = reverse("roadmap:launch-calendar")
    first = client.get(url, {"readiness": "blocked"})
    assert first.context["paginator"].count == 3
    assert "Page 1 of 2 (3 in all)" in first.content.decode()
    assert "readiness=blocked&amp;page=2" in first.content.decode()
    second = client.get(url, {"readiness": "blocked", "page": 2})
    assert [p.readiness.status for p in second.context["plans"]] == ["blocked"]


# --- Refused actions: the page again, with the input and the field's own message ----------------


@pytest.fixture
def plan(pm):
    return launches.launch_plan_create(
        item=LaunchableItemFactory(launch_date=dt.date(2030, 6, 1)), actor=pm
    )


def test_milestone_add_with_a_long_name_rerenders_with_input_and_the_models_message(
    client_for, pm, plan
):
    name = "N" * 130
    response = client_for(pm).post(
        reverse("roadmap:milestone-add", args=[plan.pk]), {"name": name, "due_date": "2030-05-01"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Ensure this value has at most 120 characters (it has 130)." in body
    assert f'value="{name}"' in body
    assert not plan.milestones.filter(name=name).exists()


def test_milestone_move_with_a_bad_date_rerenders_the_row_with_the_input(client_for, pm, plan):
    freeze = plan.milestones.get(key="feature_freeze")
    response = client_for(pm).post(
        reverse("roadmap:milestone-move", args=[freeze.pk]), {"due_date": "2030-02-31"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="move-errors"' in body and "Due date: Enter a valid date." in body
    assert 'value="2030-02-31"' in body
    freeze.refresh_from_db()
    assert freeze.due_date == dt.date(2030, 5, 18)


def test_milestone_tick_without_a_choice_rerenders_with_the_field_message(client_for, pm, plan):
    freeze = plan.milestones.get(key="feature_freeze")
    response = client_for(pm).post(reverse("roadmap:milestone-tick", args=[freeze.pk]), {})
    assert response.status_code == 422
    assert "Done: This field is required." in response.content.decode()
    freeze.refresh_from_db()
    assert not freeze.is_done


def test_launch_move_and_create_refused_rerender_with_the_field_message(client_for, pm, plan):
    client = client_for(pm)
    moved = client.post(reverse("roadmap:launch-move", args=[plan.pk]), {"launch_date": "soon"})
    assert moved.status_code == 422
    assert 'value="soon"' in moved.content.decode()
    assert "Enter a valid date." in moved.content.decode()
    created = client.post(reverse("roadmap:launch-create"), {"item": plan.item_id})
    assert created.status_code == 422
    body = created.content.decode()
    assert 'id="create-errors"' in body and "Select a valid choice." in body
    assert LaunchPlan.objects.count() == 1
