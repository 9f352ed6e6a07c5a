"""Supplier credit notes from Dext: approved like bills, published as credit notes."""

import pytest

from dext_integration.selectors import cost_item_status
from tests.dext_integration.conftest import make_item, publish
from tests.files import pdf
from workflows.duplicates import possible_duplicates
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db


def test_a_credit_note_goes_on_approval_as_a_credit_note(api, ready):
    response = publish(api, make_item(type="credit_note", invoice_number="CN-77"))

    assert response.status_code == 201, response.content
    request = ApprovalRequest.objects.get()
    assert request.kind == "credit_note" and request.is_credit_note
    assert request.state == "on_approval"
    assert request.document_noun == "credit note"
    assert cost_item_status(request=request) == "on_approval"


def test_a_credit_note_cannot_be_a_bank_transaction(api, ready):
    response = publish(api, make_item(type="credit_note", publish_to="bank_transaction"))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_type"
    assert "publish_to" in error["fields"]
    assert not ApprovalRequest.objects.exists()


def test_a_refunded_credit_note_is_not_paid_from_here(api, ready):
    publish(api, make_item(type="credit_note", paid=True))

    assert ApprovalRequest.objects.get().payment_account is None


def test_an_item_cannot_switch_between_bill_and_credit_note(api, ready):
    publish(api, make_item())

    response = publish(api, make_item(type="credit_note"))

    assert response.status_code == 409
    assert ApprovalRequest.objects.get().kind == "bill"


def test_a_credit_note_numbered_like_a_bill_is_no_duplicate_of_it(api, ready):
    publish(api, make_item(dext_id="CI-1", invoice_number="4411"))
    publish(api, make_item(dext_id="CI-2", type="credit_note", invoice_number="4411", document_url="https://x.example/2"),
            document=pdf(pages=2))

    credit = ApprovalRequest.objects.get(kind="credit_note")
    assert possible_duplicates(credit) == []


def test_a_published_credit_notes_status_names_it_without_calling_it_an_invoice(api, ready):
    publish(api, make_item(type="credit_note"))
    ApprovalRequest.objects.update(state="published", external_system="xero", external_id="cn-1",
                                   external_url="https://go.xero.com/cn-1")

    status = api.get("/api/dext/v1/cost-items/CI-000123/").json()

    assert status["status"] == "published"
    assert (status["external_id"], status["external_url"]) == ("cn-1", "https://go.xero.com/cn-1")
    assert status["xero_invoice_id"] is None and status["xero_url"] == "https://go.xero.com/cn-1"
