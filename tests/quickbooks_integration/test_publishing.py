"""Approved requests become QuickBooks Online bills (or purchases) with both attachments and, when
paid, one payment: exactly once, whatever answer is lost on the way."""

from decimal import Decimal

import pytest

from approvalmax.core.models import Account, Supplier, TaxRate, TrackingOption
from approvalmax.core.ratebudget import TurnEnded
from approvalmax.demo.data import APPROVERS
from django.contrib.auth import get_user_model
from quickbooks_integration.exceptions import QuickBooksUnavailable
from quickbooks_integration.sandbox import store
from quickbooks_integration.sandbox.models import AttachableContent, Company, Entity, RequestIdAnswer
from quickbooks_integration.services import publishing
from quickbooks_integration.services.publishing import realm_publish
from quickbooks_integration.services.sync import master_data_sync
from tests.builders import MINIMAL_PDF, bill_content, pdf_document
from workflows import outcomes, services
from workflows.audit_reports import audit_report_ensure
from workflows.content import LineContent
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def synced(quickbooks_connected, settings):
    settings.QBO_SANDBOX_TIME_SCALE = 0.01  # a 429 says to wait 1 s, not 60
    master_data_sync(organisation_id=quickbooks_connected.organisation_id)
    return quickbooks_connected


def _rows(organisation) -> dict:
    mine = {"organisation": organisation, "external_system": "quickbooks"}
    return {
        "general": Account.objects.get(code="429", **mine),
        "input2": TaxRate.objects.get(name="20.0% S", **mine),
        "north": TrackingOption.objects.get(name="Consulting", category__organisation=organisation),
        "supplier": Supplier.objects.get(name="Acme Supplies Ltd", **mine),
    }


def approved(organisation, **overrides) -> ApprovalRequest:
    rows = _rows(organisation)
    request = services.request_create(organisation=organisation, content=bill_content(rows, **overrides),
                                      document=pdf_document())
    approver = get_user_model().objects.get(username=APPROVERS[0].username)
    request = services.request_approve(request_id=request.pk, user=approver, comment="Not a duplicate: a separate bill.")
    audit_report_ensure(request=request)
    return request


def publish_until_done(organisation_id: int, attempts: int = 6) -> None:
    """What the task does: run again after a lost answer, until nothing waits."""
    for _ in range(attempts):
        try:
            if realm_publish(organisation_id=organisation_id) == 0:
                return
        except QuickBooksUnavailable:
            continue
    raise AssertionError("still waiting")


def qbo(kind: str) -> list[dict]:
    return store.of_kind(Company.objects.get(), kind)


def test_an_approved_bill_is_created_with_its_coding_both_attachments_and_a_link(synced):
    request = approved(synced.organisation)

    publish_until_done(synced.organisation_id)

    [bill] = qbo("Bill")
    rows = _rows(synced.organisation)
    assert bill["VendorRef"]["value"] == rows["supplier"].external_id and bill["DocNumber"] == "INV-4411"
    assert (bill["TxnDate"], bill["DueDate"], bill["CurrencyRef"]["value"]) == ("2026-11-02", "2026-12-02", "GBP")
    assert bill["GlobalTaxCalculation"] == "TaxExcluded" and bill["TotalAmt"] == 54.0
    detail = bill["Line"][0]["AccountBasedExpenseLineDetail"]
    assert (detail["AccountRef"]["value"], detail["TaxCodeRef"]["value"], detail["ClassRef"]["value"]) == (
        rows["general"].external_id, rows["input2"].tax_type, rows["north"].external_id)
    assert str(request.public_id) in bill["PrivateNote"]
    names = sorted(a["FileName"] for a in qbo("Attachable"))
    assert names == ["Approval audit report INV-4411.pdf", "INV-4411.pdf"]
    original = AttachableContent.objects.get(attachable__data__FileName="INV-4411.pdf")
    assert bytes(original.data) == MINIMAL_PDF
    request.refresh_from_db()
    assert (request.state, request.external_system, request.external_id) == ("published", "quickbooks", bill["Id"])
    assert request.external_url.endswith(f"/app/bill?txnId={bill['Id']}")


def test_a_department_on_the_lines_is_the_bills(synced):
    rows = _rows(synced.organisation)
    london = TrackingOption.objects.get(name="London", category__organisation=synced.organisation)
    line = LineContent(description="Desk", quantity=Decimal(1), unit_amount=Decimal("45.00"), account=rows["general"],
                       tax_rate=rows["input2"], line_amount=Decimal("45.00"), tax_amount=Decimal("9.00"),
                       tracking=[rows["north"], london])
    approved(synced.organisation, lines=[line])

    publish_until_done(synced.organisation_id)

    [bill] = qbo("Bill")
    assert bill["DepartmentRef"] == {"value": london.external_id}
    assert bill["Line"][0]["AccountBasedExpenseLineDetail"]["ClassRef"] == {"value": rows["north"].external_id}


def test_an_unknown_supplier_becomes_a_vendor_and_a_name_qbo_already_has_is_looked_up(synced):
    approved(synced.organisation, supplier=None, supplier_name="Brand New Ltd")
    approved(synced.organisation, supplier=None, supplier_name="Late Arrival Ltd", invoice_number="INV-2")
    store.create(Company.objects.get(), "Vendor", {"DisplayName": "Late Arrival Ltd", "Active": True})

    publish_until_done(synced.organisation_id)

    vendors = {v["DisplayName"]: v["Id"] for v in qbo("Vendor")}
    bills = {b["DocNumber"]: b["VendorRef"]["value"] for b in qbo("Bill")}
    assert bills == {"INV-4411": vendors["Brand New Ltd"], "INV-2": vendors["Late Arrival Ltd"]}
    assert len(vendors) == 5


@pytest.mark.parametrize("account_code, pay_type", [("090", "Check"), ("091", "CreditCard")])
def test_a_paid_bill_is_paid_from_the_bank_or_the_card(synced, account_code, pay_type):
    account = Account.objects.get(code=account_code, organisation=synced.organisation)
    approved(synced.organisation, is_paid=True, payment_account=account)

    publish_until_done(synced.organisation_id)

    [payment] = qbo("BillPayment")
    [bill] = qbo("Bill")
    assert payment["PayType"] == pay_type and payment["TotalAmt"] == 54.0 and bill["Balance"] == 0


@pytest.mark.parametrize("faults", [
    ["lost_answer"],                                  # the bill was made, its answer lost
    ["error_500"],                                    # nothing was made
    ["lost_answer", "lost_answer", "lost_answer"],    # the bill, then both uploads
    [None, None, None, "lost_answer"],                # the payment
    ["throttle"],
])
def test_every_fault_ends_with_one_bill_two_attachments_and_one_payment(synced, faults):
    bank = Account.objects.get(code="090", organisation=synced.organisation)
    request = approved(synced.organisation, is_paid=True, payment_account=bank)
    # Faults are consumed one per write: None lets a write through.
    Company.objects.update(injected_faults=[f or "none" for f in faults])

    for _ in range(8):
        try:
            if realm_publish(organisation_id=synced.organisation_id) == 0:
                break
        except Exception:  # noqa: BLE001  (a lost answer or a 429: the task would run again)
            continue

    assert len(qbo("Bill")) == 1 and len(qbo("Attachable")) == 2 and len(qbo("BillPayment")) == 1
    request.refresh_from_db()
    assert request.state == "published"


def test_an_unanswered_create_is_found_by_its_marker_when_qbo_has_forgotten_the_requestid(synced):
    request = approved(synced.organisation)
    Company.objects.update(injected_faults=["lost_answer"])
    with pytest.raises(QuickBooksUnavailable):
        realm_publish(organisation_id=synced.organisation_id)
    RequestIdAnswer.objects.all().delete()

    publish_until_done(synced.organisation_id)

    assert len(qbo("Bill")) == 1
    request.refresh_from_db()
    assert request.external_id == qbo("Bill")[0]["Id"]


def test_what_qbo_refuses_fails_visibly_in_plain_words_and_can_be_published_again(synced):
    request = approved(synced.organisation)
    acme = Entity.objects.get(kind="Vendor", data__DisplayName="Acme Supplies Ltd")
    store.save(Company.objects.get(), "Vendor", {**acme.data, "Active": False})

    publish_until_done(synced.organisation_id)

    request.refresh_from_db()
    assert request.state == "publish_failed" and "inactive" in request.publish_error
    assert "QuickBooks Online said" in request.publish_error
    store.save(Company.objects.get(), "Vendor", {**acme.data, "Active": True})
    admin = get_user_model().objects.get(username="admin")
    outcomes.request_publish_again(request_id=request.pk, user=admin)
    publish_until_done(synced.organisation_id)
    request.refresh_from_db()
    assert request.state == "published" and len(qbo("Bill")) == 1


def test_a_bank_transaction_becomes_a_purchase(synced):
    bank = Account.objects.get(code="090", organisation=synced.organisation)
    rows = _rows(synced.organisation)
    request = services.request_create(organisation=synced.organisation, document=pdf_document(), content=bill_content(
        rows, kind="spend_money", is_paid=True, payment_account=bank))
    audit_report_ensure(request=request)

    publish_until_done(synced.organisation_id)

    [purchase] = qbo("Purchase")
    assert purchase["PaymentType"] == "Cash" and purchase["AccountRef"]["value"] == bank.external_id
    assert len(qbo("Attachable")) == 2 and not qbo("Bill")
    request.refresh_from_db()
    assert request.state == "published" and request.external_url.endswith(f"/app/expense?txnId={purchase['Id']}")


def test_waiting_bills_are_created_in_one_batch_and_a_refused_one_fails_alone(synced):
    good = [approved(synced.organisation, invoice_number=f"B-{n}") for n in range(3)]
    bad = approved(synced.organisation, invoice_number="X" * 22)  # longer than QBO's DocNumber

    publish_until_done(synced.organisation_id)

    assert RequestIdAnswer.objects.filter(request_id__startswith="amx-b-").count() == 1
    assert sorted(b["DocNumber"] for b in qbo("Bill")) == ["B-0", "B-1", "B-2"]
    assert all(ApprovalRequest.objects.get(pk=r.pk).state == "published" for r in good)
    bad.refresh_from_db()
    assert bad.state == "publish_failed" and "Max:21" in bad.publish_error


def test_a_batch_whose_answer_is_lost_makes_each_bill_once(synced):
    requests = [approved(synced.organisation, invoice_number=f"L-{n}") for n in range(3)]
    Company.objects.update(injected_faults=["lost_answer"])

    publish_until_done(synced.organisation_id)

    assert sorted(b["DocNumber"] for b in qbo("Bill")) == ["L-0", "L-1", "L-2"]
    assert len(qbo("Attachable")) == 6
    assert all(ApprovalRequest.objects.get(pk=r.pk).state == "published" for r in requests)


def test_turns_finish_a_batch_before_creating_the_next_in_one_call(synced, settings, monkeypatch):
    # Batches of three, turns of three calls: the batch and a bill's two attachments; then the
    # finished bills' places are not refilled one request at a time, each created alone.
    monkeypatch.setattr(publishing, "BATCH_SIZE", 3)
    settings.QBO_PUBLISH_TURN_CALLS = 3
    requests = [approved(synced.organisation, invoice_number=f"T-{n}") for n in range(5)]
    for _ in range(20):
        try:
            if realm_publish(organisation_id=synced.organisation_id) == 0:
                break
        except TurnEnded:
            continue

    assert RequestIdAnswer.objects.filter(request_id__startswith="amx-b-").count() == 2  # ceil(5 / 3)
    assert not RequestIdAnswer.objects.filter(request_id__endswith="-bill").exists()
    assert sorted(b["DocNumber"] for b in qbo("Bill")) == [f"T-{n}" for n in range(5)]
    assert {ApprovalRequest.objects.get(pk=r.pk).state for r in requests} == {ApprovalRequest.State.PUBLISHED}
