"""Auditors read every request, document and audit report of their organisation, and decide nothing."""

import pytest
from django.urls import reverse

from approvalmax.core.models import Membership
from tests.factories import MembershipFactory
from tests.workflows.helpers import reload
from workflows import services
from workflows.admin import _members
from workflows.exceptions import NotAnApprover
from workflows.models import Substitution

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.AUDITOR).user


def _page(client, name, request):
    return client.get(reverse(f"workflows:{name}", args=[request.public_id]))


def test_an_auditor_reads_the_request_its_document_and_its_audit_report(client, create_request, auditor):
    request = create_request()
    client.force_login(auditor)

    page = _page(client, "request_detail", request)
    report = _page(client, "request_audit_report", request)

    assert page.status_code == 200
    assert reverse("workflows:request_approve", args=[request.public_id]) not in page.content.decode()
    assert _page(client, "request_document", request).status_code == 200
    assert report.status_code == 200 and report.content.startswith(b"%PDF")
    assert "INV-4411" in client.get(reverse("workflows:request_list")).content.decode()


def test_an_auditor_decides_nothing_even_if_a_step_or_a_substitution_names_them(
        client, create_request, auditor, approver, workflow, organisation):
    workflow.steps.get().approvers.add(auditor)
    Substitution.objects.create(organisation=organisation, user=approver, substitute=auditor,
                                starts_on="2000-01-01", ends_on="2999-12-31")
    request = create_request()
    client.force_login(auditor)

    with pytest.raises(NotAnApprover):
        services.request_approve(request_id=request.pk, user=auditor)
    response = client.post(reverse("workflows:request_approve", args=[request.public_id]), {})

    assert response.status_code == 403 and reload(request).state == "on_approval"
    assert request.decides_for(auditor) is None
    assert set(request.assignments.values_list("approver_id", flat=True)) == {approver.pk}  # the step skips them
    assert "Nothing is waiting" in client.get(reverse("workflows:inbox")).content.decode()


def test_auditors_are_not_offered_as_approvers(organisation, auditor, approver):
    assert auditor not in _members(organisation.pk) and approver in _members(organisation.pk)


def test_another_organisations_audit_report_is_404(client, create_request, outsider):
    request = create_request()
    client.force_login(outsider)

    assert _page(client, "request_audit_report", request).status_code == 404
