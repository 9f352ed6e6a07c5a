"""The pages for review, editing, revoking, overrides, substitutes and late decisions."""

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from approvalmax.core.versioned_reads import forget_wholes
from tests.builders import bill_content
from tests.factories import MembershipFactory
from tests.workflows.helpers import url, add_step, events, reload
from workflows import services
from workflows.models import ApprovalRequest, AuditEvent, Decision, Substitution, WorkflowStep

State = ApprovalRequest.State
Action = AuditEvent.Action


@pytest.fixture
def review_step(workflow):
    step = workflow.steps.get()
    step.kind, step.name = WorkflowStep.Kind.REVIEW, "Review"
    step.save()
    return step


def test_a_reviewer_sees_the_coding_forms_and_completes_the_review(client, create_request, review_step, approver,
                                                                   master_data):
    request = create_request()
    line = reload(request).current_lines().get()
    client.force_login(approver)

    html = client.get(url("request_detail", request)).content.decode()

    assert "<h2 id=\"decide-heading\">Your review</h2>" in html
    assert ">Complete review</button>" in html
    assert url("request_line_edit", request, line_id=line.pk) in html
    assert url("request_line_split", request, line_id=line.pk) in html
    assert f'<input type="hidden" name="step" value="{review_step.pk}"' in html

    response = client.post(url("request_line_edit", request, line_id=line.pk), {
        f"line-{line.pk}-description": "A4 paper", f"line-{line.pk}-account": master_data["office"].pk,
        f"line-{line.pk}-tax_rate": master_data["input2"].pk,
        f"line-{line.pk}-tracking_{master_data['region'].pk}": master_data["south"].pk,
        f"line-{line.pk}-step": review_step.pk,
    }, follow=True)  # fmt: skip

    assert "Line 1 was saved." in response.content.decode()
    assert [e.data["field"] for e in events(request, Action.LINE_EDITED)] == ["description", "account", "tracking"]
    assert "Line 1, account: 429 - General Expenses → 453 - Office Expenses." in response.content.decode()

    client.post(url("request_approve", request), {"comment": "", "step": review_step.pk})
    assert reload(request).state == State.APPROVED


def test_an_edit_that_changes_the_total_is_explained(client, create_request, review_step, approver, master_data):
    request = create_request()
    line = reload(request).current_lines().get()
    client.force_login(approver)

    response = client.post(url("request_line_edit", request, line_id=line.pk), {
        f"line-{line.pk}-description": line.description, f"line-{line.pk}-account": master_data["general"].pk,
        f"line-{line.pk}-tax_rate": master_data["none"].pk,
    }, follow=True)  # fmt: skip

    assert "The total would change from 54.00 to 45.00" in response.content.decode()
    assert reload(request).current_lines().get().tax_rate == master_data["input2"]


def test_a_reviewer_splits_a_line_on_the_page(client, create_request, review_step, approver):
    request = create_request()
    line = reload(request).current_lines().get()
    client.force_login(approver)

    response = client.post(url("request_line_split", request, line_id=line.pk),
                           {f"split-{line.pk}-amount": "20.00"}, follow=True)

    assert "Line 1 was split in two." in response.content.decode()
    assert reload(request).current_lines().count() == 2


def test_someone_else_cannot_edit(client, create_request, review_step, bystander):
    request = create_request()
    line = reload(request).current_lines().get()
    client.force_login(bystander)

    response = client.post(url("request_line_edit", request, line_id=line.pk),
                           {f"line-{line.pk}-description": "Mine"})

    assert response.status_code == 403
    assert reload(request).current_lines().get().description == "Printer paper"


def test_the_reviewer_page_query_count_does_not_grow_with_lines(client, create_request, review_step, approver,
                                                                master_data):
    client.force_login(approver)
    one = create_request()
    line = bill_content(master_data).lines[0]
    many = create_request(lines=[replace(line) for _ in range(6)], sub_total=Decimal("270.00"),
                          tax_total=Decimal("54.00"), total=Decimal("324.00"))
    client.get(url("request_detail", many))  # the process now holds the coding both show
    forget_wholes()  # but neither request's record: each is read whole
    with CaptureQueriesContext(connection) as small:
        client.get(url("request_detail", one))
    forget_wholes()
    with CaptureQueriesContext(connection) as large:
        html = client.get(url("request_detail", many)).content.decode()

    assert html.count(">Save line ") == 6
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_later_approver_sends_it_back_to_review_on_the_page(client, create_request, review_step, workflow,
                                                              approver, second_approver):
    add_step(workflow, position=2, approvers=[second_approver], name="Finance")
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    client.force_login(second_approver)

    html = client.get(url("request_detail", request)).content.decode()
    assert url("request_return_to_review", request) in html
    empty = client.post(url("request_return_to_review", request), {"comment": ""})
    assert empty.status_code == 400 and "Say what the reviewer should look at again." in empty.content.decode()
    client.post(url("request_return_to_review", request), {"comment": "Wrong account."})

    assert reload(request).state == State.ON_REVIEW


def test_an_approver_revokes_on_the_page(client, create_request, workflow, approver, second_approver):
    step = workflow.steps.get()
    step.mode = WorkflowStep.Mode.ALL
    step.save()
    step.approvers.add(second_approver)
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    client.force_login(approver)

    assert "Revoke my decision" in client.get(url("request_detail", request)).content.decode()
    response = client.post(url("request_revoke", request), follow=True)

    assert "You revoked your decision" in response.content.decode()
    assert Decision.objects.get(request=request).revoked_at is not None
    assert "Revoke my decision" not in response.content.decode()
    again = client.post(url("request_revoke", request), follow=True)
    assert "There is no decision of yours to revoke" in again.content.decode()


def test_an_administrator_overrides_on_the_page(client, create_request, administrator, approver):
    request = create_request()
    client.force_login(approver)
    assert url("request_override", request) not in client.get(url("request_detail", request)).content.decode()
    assert client.post(url("request_override", request),
                       {"decision": "reject", "comment": "No."}).status_code == 403

    client.force_login(administrator)
    assert url("request_override", request) in client.get(url("request_detail", request)).content.decode()
    missing = client.post(url("request_override", request), {"decision": "reject", "comment": ""})
    assert missing.status_code == 400
    response = client.post(url("request_override", request), {"decision": "reject", "comment": "Duplicate bill."},
                           follow=True)

    assert "You force-rejected INV-4411 from Acme Supplies Ltd." in response.content.decode()
    assert "(administrator override)" in response.content.decode()
    assert reload(request).state == State.REJECTED


def test_a_decision_on_a_step_the_request_left_is_a_message_not_an_error(client, create_request, workflow,
                                                                         approver, second_approver):
    workflow.steps.get().approvers.add(second_approver)
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()
    seen = reload(request).current_step_id
    services.request_approve(request_id=request.pk, user=approver)
    client.force_login(second_approver)

    response = client.post(url("request_approve", request), {"comment": "", "step": seen}, follow=True)

    assert response.status_code == 200
    assert "moved on while you were deciding" in response.content.decode()
    assert reload(request).current_step.position == 2


def test_the_requester_is_refused_on_the_page(client, create_request, workflow, organisation):
    requester = MembershipFactory(organisation=organisation, user__email="sam@example.com").user
    request = create_request()
    client.force_login(requester)

    assert url("request_approve", request) not in client.get(url("request_detail", request)).content.decode()
    response = client.post(url("request_approve", request), {"comment": ""})

    assert response.status_code == 403
    assert "segregation of duties" in response.content.decode()


def test_an_approver_names_a_substitute_who_then_decides_on_their_behalf(client, create_request, organisation,
                                                                         approver, bystander, second_approver):
    today = timezone.localdate()
    client.force_login(approver)
    response = client.post(reverse("workflows:substitutes"), {
        "organisation": organisation.pk, "substitute": bystander.pk, "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat()}, follow=True)  # fmt: skip
    assert "Your substitute is named." in response.content.decode()
    chain = client.post(reverse("workflows:substitutes"), {
        "organisation": organisation.pk, "substitute": second_approver.pk, "starts_on": today.isoformat(),
        "ends_on": today.isoformat()})  # fmt: skip
    assert chain.status_code == 400
    assert Substitution.objects.count() == 1

    request = create_request(invoice_number="INV-AWAY")
    client.force_login(bystander)
    assert "INV-AWAY" in client.get(reverse("workflows:inbox")).content.decode()
    page = client.get(url("request_detail", request)).content.decode()
    assert f"You decide on behalf of {approver.get_full_name()}, as their substitute." in page
    client.post(url("request_approve", request), {"comment": "Covering."})

    detail = client.get(url("request_detail", request)).content.decode()
    assert f"{bystander.get_full_name()} on behalf of {approver.get_full_name()}" in detail
    assert reload(request).state == State.APPROVED


def test_a_substitute_named_after_the_page_was_seen_decides_from_the_next_view(client, create_request, organisation,
                                                                              approver, bystander):
    request = create_request()
    client.force_login(bystander)
    client.get(url("request_detail", request))
    with CaptureQueriesContext(connection) as again:
        before = client.get(url("request_detail", request)).content.decode()
    assert not [q for q in again.captured_queries if q["sql"].startswith('SELECT "workflows_substitution"')]
    assert "as their substitute" not in before

    today = timezone.localdate()
    Substitution.objects.create(organisation=organisation, user=approver, substitute=bystander, starts_on=today,
                                ends_on=today)

    after = client.get(url("request_detail", request)).content.decode()
    assert f"You decide on behalf of {approver.get_full_name()}, as their substitute." in after


def test_the_inbox_follows_assignments_not_the_step_s_defaults(client, create_request, workflow, master_data,
                                                               approver, second_approver):
    from tests.workflows.helpers import add_rule

    add_rule(workflow.steps.get(), second_approver, account=master_data["general"])
    create_request(invoice_number="INV-RULED")

    client.force_login(approver)
    assert "INV-RULED" not in client.get(reverse("workflows:inbox")).content.decode()
    client.force_login(second_approver)
    assert "INV-RULED" in client.get(reverse("workflows:inbox")).content.decode()


def test_each_line_form_shows_its_own_coding(client, create_request, review_step, approver, master_data):
    paper = bill_content(master_data).lines[0]
    desk = replace(paper, account=master_data["office"], tracking=[master_data["south"]])
    request = create_request(lines=[paper, desk], sub_total=Decimal("90.00"), tax_total=Decimal("18.00"),
                             total=Decimal("108.00"))
    first, second = reload(request).current_lines().order_by("position")
    client.force_login(approver)

    html = client.get(url("request_detail", request)).content.decode()

    def selected(line, field, value):
        return f'<select name="line-{line.pk}-{field}"' in html and html.split(
            f'<select name="line-{line.pk}-{field}"')[1].split("</select>")[0].count(
            f'value="{value}" selected') == 1

    assert selected(first, "account", master_data["general"].pk)
    assert selected(second, "account", master_data["office"].pk)
    assert selected(first, f"tracking_{master_data['region'].pk}", master_data["north"].pk)
    assert selected(second, f"tracking_{master_data['region'].pk}", master_data["south"].pk)
