"""Approved credit notes become QuickBooks Online vendor credits with both attachments, applied to
the bill an approver chose by a bill payment of nothing: exactly once, whatever answer is lost."""

import pytest

from quickbooks_integration.sandbox.models import Company, RequestIdAnswer
from quickbooks_integration.services.publishing import realm_publish
from tests.quickbooks_integration.test_publishing import approved, publish_until_done, qbo, synced  # noqa: F401
from workflows.models import ApprovalRequest, AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)
CREDIT = ApprovalRequest.Kind.CREDIT_NOTE


def _credit_for(organisation, bill: ApprovalRequest, **overrides) -> ApprovalRequest:
    request = approved(organisation, kind=CREDIT, invoice_number="CN-1", source_reference="CI-CN1", **overrides)
    ApprovalRequest.objects.filter(pk=request.pk).update(credit_for=bill)
    return request


def _published_message(request: ApprovalRequest) -> str:
    request.refresh_from_db()
    assert request.state == "published"
    return request.audit_events.get(action=AuditEvent.Action.PUBLISHED).message


def test_a_credit_note_becomes_a_vendor_credit_applied_to_the_chosen_bill(synced):
    bill = approved(synced.organisation, invoice_number="B-1")
    publish_until_done(synced.organisation_id)
    bill.refresh_from_db()
    credit = _credit_for(synced.organisation, bill)

    publish_until_done(synced.organisation_id)

    [vendor_credit] = qbo("VendorCredit")
    assert vendor_credit["DocNumber"] == "CN-1" and vendor_credit["TotalAmt"] == 54.0
    assert vendor_credit["Balance"] == 0 and qbo("Bill")[0]["Balance"] == 0
    [application] = qbo("BillPayment")
    assert application["TotalAmt"] == 0
    assert len([a for a in qbo("Attachable")
                if a["AttachableRef"][0]["EntityRef"]["type"] == "VendorCredit"]) == 2
    message = _published_message(credit)
    assert "as credit note CN-1" in message and "Applied 54.00 to bill B-1." in message
    assert "vendorcredit?txnId=" in ApprovalRequest.objects.get(pk=credit.pk).external_url


def test_a_bill_paid_since_keeps_the_credit_and_the_request_says_so(synced):
    bill = approved(synced.organisation, invoice_number="B-2")
    publish_until_done(synced.organisation_id)
    bill.refresh_from_db()
    store_bill = Company.objects.get().entities.get(kind="Bill")
    store_bill.data = {**store_bill.data, "Balance": 0}
    store_bill.save()
    credit = _credit_for(synced.organisation, bill)

    publish_until_done(synced.organisation_id)

    assert qbo("VendorCredit")[0]["Balance"] == 54.0 and qbo("BillPayment") == []
    assert "Not applied: bill B-2 has nothing left to pay." in _published_message(credit)


@pytest.mark.parametrize("faults", [
    ["lost_answer"],                               # the vendor credit was made, its answer lost
    [None, None, None, "lost_answer"],             # the application was made, its answer lost
])
def test_lost_answers_end_with_one_vendor_credit_and_one_application(synced, faults):
    bill = approved(synced.organisation, invoice_number="B-3")
    publish_until_done(synced.organisation_id)
    bill.refresh_from_db()
    credit = _credit_for(synced.organisation, bill)
    Company.objects.update(injected_faults=[f or "none" for f in faults])

    for _ in range(8):
        try:
            if realm_publish(organisation_id=synced.organisation_id) == 0:
                break
        except Exception:  # noqa: BLE001  (a lost answer: the task would run again)
            RequestIdAnswer.objects.all().delete()  # and QBO may have forgotten the requestid by then
            continue

    assert len(qbo("VendorCredit")) == 1 and len(qbo("BillPayment")) == 1
    assert qbo("VendorCredit")[0]["Balance"] == 0
    _published_message(credit)
