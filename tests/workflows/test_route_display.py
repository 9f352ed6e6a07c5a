"""The request page shows the whole route from the start: every step with who decides it and
where it stands (done, current, to come, skipped and why, not reached)."""

import pytest
from django.urls import reverse

from tests.workflows.helpers import add_step, reload
from workflows import services
from workflows.route_display import request_route
from workflows.selectors import request_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_steps(workflow, approver, second_approver):
    """1. `approver` (the fixture's step); 2. `second_approver`; 3. nobody (skipped when reached)."""
    add_step(workflow, position=2, approvers=[second_approver], name="Finance")
    add_step(workflow, position=3, approvers=[], name="Board")
    return workflow


def _route(request) -> list[tuple]:
    request = reload(request)
    return [(item.step.position, item.state, item.people, item.note)
            for item in request_route(request, request_record(request=request))]


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def test_from_the_start_every_step_is_shown_with_its_approvers(create_request, three_steps, approver,
                                                               second_approver):
    route = _route(create_request())

    assert route[0] == (1, "current", [_name(approver)], "")
    assert route[1] == (2, "to_come", [_name(second_approver)], "")
    assert route[2][:3] == (3, "to_come", [])
    assert route[2][3].startswith("Would be skipped: The step has neither matrix rules nor a default approver")


def test_decided_steps_say_who_decided_and_a_step_without_approvers_is_skipped_with_why(
        create_request, three_steps, approver, second_approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    services.request_approve(request_id=request.pk, user=second_approver)

    route = _route(request)

    assert route[0] == (1, "done", [f"{_name(approver)}: approved"], "")
    assert route[1] == (2, "done", [f"{_name(second_approver)}: approved"], "")
    assert route[2][1] == "skipped" and "neither matrix rules nor a default approver" in route[2][3]


def test_after_a_rejection_later_steps_are_not_reached(create_request, three_steps, approver):
    request = create_request()
    services.request_reject(request_id=request.pk, user=approver, comment="Not ours.")

    assert [(position, state) for position, state, *_ in _route(request)] == [
        (1, "done"), (2, "not_reached"), (3, "not_reached")]


def test_the_page_shows_the_route(client, create_request, three_steps, approver, second_approver):
    request = create_request()
    client.force_login(approver)

    html = " ".join(client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode().split())

    assert 'aria-current="step"> <span class="route-name">Step 1, Approval</span> <span class="route-state">Current step</span>' in html
    assert f'<span class="route-name">Step 2, Finance</span> <span class="route-state">To come</span> <span class="route-people">{_name(second_approver)}</span>' in html
