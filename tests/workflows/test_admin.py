"""The admin shows requests and their audit trail but never edits them."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory
from workflows.models import AuditEvent, Substitution, Workflow


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:core_organisation_changelist",
        "admin:core_supplier_changelist",
        "admin:core_account_changelist",
        "admin:core_taxrate_changelist",
        "admin:core_trackingcategory_changelist",
        "admin:workflows_workflow_changelist",
        "admin:workflows_workflowstep_changelist",
        "admin:workflows_substitution_changelist",
        "admin:workflows_approvalrequest_changelist",
        "admin:workflows_auditevent_changelist",
    ],
)
def test_admin_lists_open(name, admin_client, create_request):
    create_request()

    response = admin_client.get(reverse(name), {"q": "Acme"})

    assert response.status_code == 200


def test_request_is_shown_read_only(admin_client, create_request):
    request = create_request()

    page = admin_client.get(reverse("admin:workflows_approvalrequest_change", args=[request.pk]))
    post = admin_client.post(reverse("admin:workflows_approvalrequest_change", args=[request.pk]),
                             {"state": "approved"})

    assert page.status_code == 200
    assert 'name="state"' not in page.content.decode()
    assert "Printer paper" in page.content.decode()
    assert post.status_code == 403
    assert admin_client.get(reverse("admin:workflows_approvalrequest_add")).status_code == 403


def test_audit_events_cannot_be_added_changed_or_deleted(admin_client, create_request):
    event = AuditEvent.objects.filter(request=create_request()).first()

    assert admin_client.get(reverse("admin:workflows_auditevent_add")).status_code == 403
    delete = admin_client.post(reverse("admin:workflows_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert delete.status_code == 403
    change = admin_client.get(reverse("admin:workflows_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and 'name="message"' not in change.content.decode()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_workflow_steps_are_edited_with_their_approvers(admin_client, workflow, approver):
    page = admin_client.get(reverse("admin:workflows_workflow_change", args=[workflow.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="steps-0-approvers"' in html
    assert f'type="checkbox" name="steps-0-approvers" value="{approver.pk}"' in html  # each person labelled


def test_organisation_shows_its_members(admin_client, organisation, approver):
    page = admin_client.get(reverse("admin:core_organisation_change", args=[organisation.pk]))

    assert page.status_code == 200
    assert 'name="memberships-0-user"' in page.content.decode()


def _management(prefix: str, total: int, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def _rules_post(step, rules: list[dict]) -> dict:
    data = {"workflow": step.workflow_id, "position": step.position, "name": step.name, "kind": step.kind,
            "mode": step.mode, "approvers": [u.pk for u in step.approvers.all()],
            "editable_fields": step.editable_fields, **_management("rules", len(rules))}
    for index, rule in enumerate(rules):
        data.update({f"rules-{index}-{name}": value for name, value in rule.items()})
    return data


def build_three_step_workflow(admin_client, organisation, master_data, reviewer, manager, director):
    """What an administrator does in the admin: the workflow with its steps, then each step's matrix."""
    steps = [("Review", "review", "any", [reviewer]), ("Manager", "approval", "any", [manager]),
             ("Director", "approval", "all", [])]
    data = {"organisation": organisation.pk, "name": "Bill creation, review and approval",
            **_management("steps", len(steps))}
    for index, (name, kind, mode, approvers) in enumerate(steps):
        data.update({f"steps-{index}-position": index + 1, f"steps-{index}-name": name, f"steps-{index}-kind": kind,
                     f"steps-{index}-mode": mode, f"steps-{index}-approvers": [u.pk for u in approvers]})
    data["steps-1-editable_fields"] = ["description", "tracking"]
    response = admin_client.post(reverse("admin:workflows_workflow_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    workflow = Workflow.objects.get(organisation=organisation)
    manager_step, director_step = workflow.steps.get(name="Manager"), workflow.steps.get(name="Director")
    response = admin_client.post(
        reverse("admin:workflows_workflowstep_change", args=[manager_step.pk]),
        _rules_post(manager_step, [{"name": "Office costs", "approver": director.pk,
                                    "account": master_data["office"].pk}]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = admin_client.post(
        reverse("admin:workflows_workflowstep_change", args=[director_step.pk]),
        _rules_post(director_step, [{"name": "Large bills", "approver": director.pk, "amount_operator": "at_or_over",
                                     "amount": "1000"}]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return workflow


@pytest.fixture
def people(organisation):
    return {name: MembershipFactory(organisation=organisation, user__first_name=name.title()).user
            for name in ["reviewer", "manager", "director"]}


def test_an_administrator_builds_a_three_step_workflow_with_matrix_rules(admin_client, organisation, master_data,
                                                                        people):
    workflow = build_three_step_workflow(admin_client, organisation, master_data, **people)

    assert workflow.version == 1
    assert [(s.position, s.name, s.kind) for s in workflow.steps.order_by("position")] == [
        (1, "Review", "review"), (2, "Manager", "approval"), (3, "Director", "approval")]
    assert workflow.steps.get(name="Manager").editable_fields == ["description", "tracking"]
    page = admin_client.get(reverse("admin:workflows_workflow_change", args=[workflow.pk])).content.decode()
    assert "Approval matrix" in page
    assert "“Office costs”: a line&#x27;s account is 453 - Office Expenses → Director" in page
    assert "“Large bills”: total is at or over 1000.00 → Director" in page


def test_rules_must_be_complete(admin_client, organisation, master_data, people):
    workflow = build_three_step_workflow(admin_client, organisation, master_data, **people)
    step = workflow.steps.get(name="Director")

    response = admin_client.post(
        reverse("admin:workflows_workflowstep_change", args=[step.pk]),
        _rules_post(step, [{"approver": people["director"].pk, "amount_operator": "between", "amount": "10"}]),
    )

    assert response.status_code == 200
    assert "Give an upper bound above the amount." in response.content.decode()


def test_a_version_in_use_is_read_only_and_a_new_version_is_a_draft_until_published(admin_client, create_request,
                                                                                   workflow):
    create_request()
    changelist = reverse("admin:workflows_workflow_changelist")

    page = admin_client.get(reverse("admin:workflows_workflow_change", args=[workflow.pk])).content.decode()
    assert 'name="steps-0-approvers"' not in page
    response = admin_client.post(changelist, {"action": "new_draft", "_selected_action": [workflow.pk]}, follow=True)

    assert "version 2 is a draft: edit it, then publish it." in response.content.decode()
    draft = Workflow.objects.get(organisation=workflow.organisation, version=2)
    page = admin_client.get(reverse("admin:workflows_workflow_change", args=[draft.pk])).content.decode()
    assert 'name="steps-0-approvers"' in page and "Draft: runs nothing until published" in page
    assert create_request(source_reference="D", invoice_number="D").workflow == workflow

    response = admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "version 2 is published: new requests run on it." in response.content.decode()
    assert create_request(source_reference="P", invoice_number="P").workflow == draft
    again = admin_client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "Version 2 is already published." in again.content.decode()


def test_substitutes_are_named_in_the_admin_and_chains_refused(admin_client, organisation, approver,
                                                               second_approver, bystander):
    url = reverse("admin:workflows_substitution_add")
    first = admin_client.post(url, {"organisation": organisation.pk, "user": approver.pk,
                                    "substitute": second_approver.pk, "starts_on": "2026-12-01",
                                    "ends_on": "2026-12-10"})
    chain = admin_client.post(url, {"organisation": organisation.pk, "user": second_approver.pk,
                                    "substitute": bystander.pk, "starts_on": "2026-12-05", "ends_on": "2026-12-06"})

    assert first.status_code == 302
    assert chain.status_code == 200 and "chains of substitutes are not allowed" in chain.content.decode()
    assert Substitution.objects.count() == 1
