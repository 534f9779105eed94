"""Launch pages and actions: who may do what, refused actions re-rendered, query counts."""

import datetime as dt

import pytest
from django.urls import reverse

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
