"""POST /api/dext/v1/cost-items/: what Dext's connector sees, and what it leaves behind."""

import hashlib
import uuid
from decimal import Decimal

import pytest

from approvalmax.core.models import Account, Supplier, TrackingCategory, TrackingOption
from dext_integration.models import CostItem
from tests.builders import MINIMAL_PDF, MINIMAL_PNG
from tests.dext_integration.conftest import make_item, publish
from workflows import outcomes
from workflows import services as workflow_services
from workflows.models import ApprovalRequest, AuditEvent

pytestmark = pytest.mark.django_db


def test_a_new_item_becomes_a_request_on_approval(api, ready):
    response = publish(api, make_item())

    assert response.status_code == 201
    request = ApprovalRequest.objects.get()
    assert response.json() == {
        "id": str(request.public_id),
        "dext_id": "CI-000123",
        "status": "on_approval",
        "url": f"http://127.0.0.1:8000/requests/{request.public_id}/",
    }
    assert request.state == "on_approval"
    assert request.kind == "bill"
    assert request.supplier == ready["supplier"]
    assert (request.supplier_name, request.invoice_number, request.currency) == ("Acme Supplies Ltd", "INV-4411", "GBP")
    assert str(request.date) == "2026-11-02" and str(request.due_date) == "2026-12-02"
    assert (request.sub_total, request.tax_total, request.total) == (
        Decimal("45.00"), Decimal("9.00"), Decimal("54.00")
    )
    assert (request.source_system, request.source_reference) == ("dext", "CI-000123")
    assert request.source_url == "https://app.dext.example/costs/CI-000123"
    assert (request.requester_name, request.requester_email) == ("Sam Taylor", "sam@example.com")
    assert request.is_paid is False and request.payment_account is None
    assert request.payment_method_name == "Company card"
    assert request.current_step is not None

    [line] = request.current_lines()
    assert line.description == "Printer paper"
    assert (line.quantity, line.unit_amount, line.line_amount, line.tax_amount) == (
        Decimal("10"), Decimal("4.50"), Decimal("45.00"), Decimal("9.00")
    )
    assert line.account == ready["general"] and line.tax_rate == ready["input2"]
    assert list(line.tracking.all()) == [ready["north"]]

    document = request.current_document()
    assert document.content_type == "application/pdf"
    assert document.filename == "INV-4411.pdf"
    assert document.size == len(MINIMAL_PDF)
    assert document.sha256 == hashlib.sha256(MINIMAL_PDF).hexdigest()
    with document.file.open("rb") as stored:
        assert stored.read() == MINIMAL_PDF

    item = CostItem.objects.get()
    assert (item.organisation, item.dext_id, item.request) == (request.organisation, "CI-000123", request)


def test_the_same_item_again_answers_200_and_creates_nothing(api, ready):
    first = publish(api, make_item())
    events = AuditEvent.objects.count()

    again = publish(api, make_item())

    assert again.status_code == 200
    assert again.json() == first.json()
    assert ApprovalRequest.objects.get().revision == 1
    assert AuditEvent.objects.count() == events
    assert CostItem.objects.count() == 1


def test_a_retry_is_answered_as_before_even_after_master_data_changed(api, ready):
    publish(api, make_item())
    Account.objects.filter(code="429").update(status="ARCHIVED")

    assert publish(api, make_item()).status_code == 200
    changed = publish(api, make_item(invoice_number="INV-2"))
    assert changed.status_code == 422
    assert list(changed.json()["error"]["fields"]) == ["line_items[0].account_code"]
    assert ApprovalRequest.objects.get().revision == 1


def test_the_same_item_with_another_document_is_a_change(api, ready):
    publish(api, make_item())

    response = publish(api, make_item(), document=MINIMAL_PNG, filename="scan.png")

    assert response.status_code == 201
    request = ApprovalRequest.objects.get()
    assert request.revision == 2
    assert request.current_document().content_type == "image/png"
    assert request.current_document().filename == "scan.png"


def test_a_changed_item_on_approval_becomes_a_new_revision(api, ready):
    first = publish(api, make_item())
    changed = make_item(invoice_number="INV-4411-A")

    response = publish(api, changed)

    assert response.status_code == 201
    assert response.json()["id"] == first.json()["id"]
    request = ApprovalRequest.objects.get()
    assert (request.revision, request.state, request.invoice_number) == (2, "on_approval", "INV-4411-A")
    assert request.current_lines().count() == 1
    assert request.audit_events.filter(action="resubmitted").exists()
    # The new revision is itself idempotent.
    assert publish(api, changed).status_code == 200


def test_republishing_a_rejected_item_starts_a_new_revision(api, ready, approver):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_reject(request_id=request.pk, user=approver, comment="Wrong supplier")

    response = publish(api, make_item(supplier={"name": "Acme Supplies Ltd", "xero_contact_id": None}))

    assert response.status_code == 201
    assert response.json()["status"] == "on_approval"
    request = ApprovalRequest.objects.get()
    assert (request.revision, request.state) == (2, "on_approval")


def test_republishing_a_withdrawn_item_unchanged_starts_a_new_revision(api, ready):
    publish(api, make_item())
    assert api.delete("/api/dext/v1/cost-items/CI-000123/").status_code == 204

    response = publish(api, make_item())

    assert response.status_code == 201
    request = ApprovalRequest.objects.get()
    assert (request.revision, request.state) == (2, "on_approval")


def test_an_approved_item_can_no_longer_change(api, ready, approver):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_approve(request_id=request.pk, user=approver)

    unchanged = publish(api, make_item())
    changed = publish(api, make_item(invoice_number="INV-9"))

    assert unchanged.status_code == 200
    assert unchanged.json()["status"] == "approved"
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "locked"
    assert "approved" in changed.json()["error"]["message"]
    assert ApprovalRequest.objects.get().revision == 1


@pytest.mark.parametrize("state", ["published", "publish_failed"])
def test_a_published_item_can_no_longer_change(api, ready, approver, state):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_approve(request_id=request.pk, user=approver)
    if state == "published":
        outcomes.request_mark_published(
            request_id=request.pk, external_system="xero", external_id="x", external_url="https://x.example/"
        )
    else:
        outcomes.request_mark_publish_failed(request_id=request.pk, error="Xero said no")

    response = publish(api, make_item(total="54.00", invoice_number="INV-10"))

    assert response.status_code == 409


def test_a_bank_transaction_bypasses_approval(api, ready):
    response = publish(api, make_item(publish_to="bank_transaction", paid=True))

    assert response.status_code == 202
    assert response.json()["status"] == "approved"
    request = ApprovalRequest.objects.get()
    assert (request.kind, request.state) == ("spend_money", "approved")
    assert request.payment_account == ready["bank"]
    assert request.audit_events.filter(action="bypassed").exists()
    assert publish(api, make_item(publish_to="bank_transaction", paid=True)).status_code == 200


def test_a_bank_transaction_needs_a_known_bank_account(api, ready):
    item = make_item(publish_to="bank_transaction", payment_method={"name": "Card", "bank_account_code": "777"})

    response = publish(api, item)

    assert response.status_code == 422
    assert "payment_method.bank_account_code" in response.json()["error"]["fields"]
    assert not ApprovalRequest.objects.exists()


def test_an_item_cannot_switch_between_bill_and_bank_transaction(api, ready):
    publish(api, make_item())

    response = publish(api, make_item(publish_to="bank_transaction"))

    assert response.status_code == 409
    assert ApprovalRequest.objects.get().kind == "bill"


def test_a_paid_item_with_a_known_bank_account_is_paid_from_it(api, ready):
    publish(api, make_item(paid=True))

    request = ApprovalRequest.objects.get()
    assert request.is_paid is True
    assert request.payment_account == ready["bank"]
    assert request.payment_method_name == "Company card"


def test_a_paid_item_with_an_unknown_bank_account_is_accepted_without_one(api, ready):
    response = publish(api, make_item(paid=True, payment_method={"name": "Petty cash", "bank_account_code": "777"}))

    assert response.status_code == 201
    request = ApprovalRequest.objects.get()
    assert request.is_paid is True
    assert request.payment_account is None
    assert request.payment_method_name == "Petty cash"


def test_a_paid_item_cannot_be_paid_from_an_expense_account(api, ready):
    publish(api, make_item(paid=True, payment_method={"name": "Card", "bank_account_code": "429"}))

    assert ApprovalRequest.objects.get().payment_account is None


def test_the_supplier_is_matched_by_xero_contact_id(api, ready):
    supplier = ready["supplier"]
    item = make_item(supplier={"name": "ACME (as Dext spells it)", "xero_contact_id": supplier.external_id})

    assert publish(api, item).status_code == 201

    request = ApprovalRequest.objects.get()
    assert request.supplier == supplier
    assert request.supplier_name == "Acme Supplies Ltd"


def test_an_unknown_xero_contact_id_is_a_422(api, ready):
    item = make_item(supplier={"name": "Acme", "xero_contact_id": "6f1c4f4e-0000-4000-8000-000000000000"})

    response = publish(api, item)

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["supplier.xero_contact_id"]


def test_an_unknown_supplier_name_is_a_new_supplier(api, ready):
    response = publish(api, make_item(supplier={"name": "Brand New Stationers"}))

    assert response.status_code == 201
    request = ApprovalRequest.objects.get()
    assert request.supplier_name == "Brand New Stationers"
    # Kept as a supplier Xero does not know yet: publishing creates the contact by name.
    assert request.supplier.name == "Brand New Stationers"
    assert request.supplier.external_id is None


def test_an_archived_supplier_is_not_matched(api, ready):
    Supplier.objects.filter(pk=ready["supplier"].pk).update(status="ARCHIVED")

    publish(api, make_item())

    supplier = ApprovalRequest.objects.get().supplier
    assert supplier != ready["supplier"] and supplier.external_id is None


def test_an_expense_report_is_from_its_owner(api, ready):
    response = publish(api, make_item(type="expense_report", supplier=None))

    assert response.status_code == 201
    assert ApprovalRequest.objects.get().supplier_name == "Sam Taylor - Expense report"


@pytest.mark.parametrize("item_type", ["receipt", "other"])
def test_receipts_and_others_are_bills(api, ready, item_type):
    assert publish(api, make_item(type=item_type)).status_code == 201
    assert ApprovalRequest.objects.get().kind == "bill"


def test_inclusive_amounts_take_the_tax_out_of_each_line(api, ready):
    item = make_item(
        line_amount_types="Inclusive",
        line_items=[
            {"description": "a", "quantity": "1", "unit_amount": "10.00", "account_code": "429", "tax_type": "INPUT2"},
            {"description": "b", "quantity": "3", "unit_amount": "0.35", "account_code": "453", "tax_type": "INPUT2"},
        ],
        # Tax per line: 1.67 + 0.18 (from 1.05), not 1.84 from the summed 11.05.
        total="11.05",
        tax_total="1.85",
    )

    response = publish(api, item)

    assert response.status_code == 201, response.json()
    request = ApprovalRequest.objects.get()
    assert (request.sub_total, request.tax_total, request.total) == (Decimal("9.20"), Decimal("1.85"), Decimal("11.05"))


def test_no_tax_items_have_no_tax(api, ready):
    item = make_item(line_amount_types="NoTax", total="45.00", tax_total="0.00")

    assert publish(api, item).status_code == 201
    assert ApprovalRequest.objects.get().tax_total == Decimal("0.00")


def test_a_line_without_tax_type_takes_its_accounts_default(api, ready):
    item = make_item()
    del item["line_items"][0]["tax_type"]

    assert publish(api, item).status_code == 201
    assert ApprovalRequest.objects.get().current_lines().get().tax_rate == ready["input2"]


def test_two_tracking_categories_on_a_line(api, ready):
    cost_centre = TrackingCategory.objects.create(
        organisation=ready["general"].organisation, external_id=str(uuid.uuid4()), name="Cost centre"
    )
    sales = TrackingOption.objects.create(category=cost_centre, external_id=str(uuid.uuid4()), name="Sales")
    item = make_item()
    item["line_items"][0]["tracking"].append({"category": "Cost centre", "option": "Sales"})

    assert publish(api, item).status_code == 201
    assert set(ApprovalRequest.objects.get().current_lines().get().tracking.all()) == {ready["north"], sales}


def test_without_workflow_steps_the_request_is_approved_at_once(api, master_data):
    response = publish(api, make_item())

    assert response.status_code == 201
    assert response.json()["status"] == "approved"
