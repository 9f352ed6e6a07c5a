"""Choosing the bill a credit note's credit goes to, on the credit note's page."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, chart_of_accounts, one_step_workflow
from tests.builders import bill_content, pdf_document
from tests.workflows.helpers import reload
from workflows import services
from workflows.models import ApprovalRequest, AuditEvent

pytestmark = pytest.mark.django_db
CREDIT = ApprovalRequest.Kind.CREDIT_NOTE


def _published_bill(create_request, **overrides) -> ApprovalRequest:
    bill = create_request(source_reference=f"CI-B{overrides.get('invoice_number', '1')}", **overrides)
    ApprovalRequest.objects.filter(pk=bill.pk).update(state=ApprovalRequest.State.PUBLISHED, external_system="xero",
                                                      external_id="b-id")
    return reload(bill)


def _choose(client, credit, bill_id) -> None:
    client.post(reverse("workflows:request_credit_allocation", args=[credit.public_id]),
                {"bill": "" if bill_id is None else str(bill_id)})


def test_an_approver_chooses_a_published_bill_of_the_supplier_and_the_trail_says_so(client, create_request, approver):
    bill = _published_bill(create_request, invoice_number="B-1")
    credit = create_request(kind=CREDIT, invoice_number="CN-1", source_reference="CI-CN1")
    client.force_login(approver)

    page = client.get(reverse("workflows:request_detail", args=[credit.public_id])).content.decode()
    assert "Credit note CN-1 from Acme Supplies Ltd" in page
    assert f'<option value="{bill.pk}">Bill B-1' in page
    _choose(client, credit, bill.pk)

    assert reload(credit).credit_for == bill
    event = credit.audit_events.get(action=AuditEvent.Action.CREDIT_ALLOCATED)
    assert event.actor == approver and "bill B-1" in event.message
    page = client.get(reverse("workflows:request_detail", args=[credit.public_id])).content.decode()
    assert "the credit goes to" in page and f'<option value="{bill.pk}" selected>' in page


def test_a_bill_of_another_supplier_unpublished_or_paid_cannot_be_chosen(client, create_request, approver):
    other = _published_bill(create_request, invoice_number="B-2", supplier=None, supplier_name="Other Ltd")
    waiting = create_request(invoice_number="B-3", source_reference="CI-B3")
    paid = _published_bill(create_request, invoice_number="B-4", is_paid=True)
    credit = create_request(kind=CREDIT, invoice_number="CN-2", source_reference="CI-CN2")
    client.force_login(approver)

    for bill in (other, waiting, paid):
        _choose(client, credit, bill.pk)

    assert reload(credit).credit_for is None
    assert not credit.audit_events.filter(action=AuditEvent.Action.CREDIT_ALLOCATED).exists()


def test_another_organisations_bill_is_no_choice_and_its_credit_note_is_404(client, create_request, approver):
    elsewhere = MembershipFactory().organisation
    data = chart_of_accounts(elsewhere)
    one_step_workflow(elsewhere, [MembershipFactory(organisation=elsewhere).user])
    foreign_bill = services.request_create(organisation=elsewhere, content=bill_content(data), document=pdf_document())
    ApprovalRequest.objects.filter(pk=foreign_bill.pk).update(state=ApprovalRequest.State.PUBLISHED)
    foreign_credit = services.request_create(organisation=elsewhere, content=bill_content(data, kind=CREDIT),
                                             document=pdf_document())
    credit = create_request(kind=CREDIT, invoice_number="CN-3", source_reference="CI-CN3")
    client.force_login(approver)

    _choose(client, credit, foreign_bill.pk)
    response = client.post(reverse("workflows:request_credit_allocation", args=[foreign_credit.public_id]),
                           {"bill": ""})

    assert reload(credit).credit_for is None
    assert response.status_code == 404


def test_someone_who_does_not_decide_cannot_choose(client, create_request, bystander):
    bill = _published_bill(create_request, invoice_number="B-5")
    credit = create_request(kind=CREDIT, invoice_number="CN-4", source_reference="CI-CN4")
    client.force_login(bystander)

    page = client.get(reverse("workflows:request_detail", args=[credit.public_id])).content.decode()
    _choose(client, credit, bill.pk)

    assert 'name="bill"' not in page
    assert reload(credit).credit_for is None


def test_the_approval_email_and_the_audit_report_call_it_a_credit_note(create_request):
    from workflows.audit_report import audit_report_html
    from workflows.notices import bill_title

    credit = create_request(kind=CREDIT, invoice_number="CN-5", source_reference="CI-CN5")

    assert bill_title(credit).endswith(", credit note CN-5")
    assert "Credit note number" in audit_report_html(request=credit)
