"""GET and DELETE /api/dext/v1/cost-items/{dext_id}/."""

import pytest

from approvalmax.core.accounting import NOT_CONNECTED
from tests.dext_integration.conftest import make_item, publish
from tests.factories import xero_connection
from workflows import outcomes
from workflows import services as workflow_services
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db

URL = "/api/dext/v1/cost-items/CI-000123/"


def test_the_status_of_a_request_on_approval(api, ready):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()

    response = api.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "id": str(request.public_id),
        "dext_id": "CI-000123",
        "status": "on_approval",
        "revision": 1,
        "accounting_system": None,
        "external_id": None,
        "external_url": None,
        "xero_invoice_id": None,
        "xero_url": None,
        "rejection": None,
        "url": f"http://127.0.0.1:8000/requests/{request.public_id}/",
        "warnings": [{"code": "accounting_system_would_refuse", "message": NOT_CONNECTED,
                      "url": f"http://127.0.0.1:8000/requests/{request.public_id}/"}],
    }


def test_the_status_names_the_organisations_system_and_warns_of_its_refusals(api, ready, organisation):
    xero_connection(organisation, currencies=["GBP"])
    publish(api, make_item(currency="EUR"))

    body = api.get(URL).json()

    assert body["accounting_system"] == "xero"
    # No EUR rate to convert with, and a currency the connected Xero organisation does not take.
    assert [w["code"] for w in body["warnings"]] == ["no_exchange_rate", "accounting_system_would_refuse"]
    assert "currency EUR" in body["warnings"][1]["message"]


def test_a_rejection_says_who_when_and_why(api, ready, approver):
    approver.first_name, approver.last_name = "Alex", "Morgan"
    approver.save()
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_reject(request_id=request.pk, user=approver, comment="Not our order")
    decision = request.decisions.get()

    body = api.get(URL).json()

    assert body["status"] == "rejected"
    assert body["rejection"] == {
        "by": "Alex Morgan",
        "at": decision.decided_at.isoformat().replace("+00:00", "Z"),
        "comment": "Not our order",
    }


def test_an_approver_without_a_name_is_named_by_username(api, ready, approver):
    approver.first_name = approver.last_name = ""
    approver.save()
    publish(api, make_item())
    workflow_services.request_reject(request_id=ApprovalRequest.objects.get().pk, user=approver, comment="No")

    assert api.get(URL).json()["rejection"]["by"] == approver.username


def test_a_new_revision_has_no_rejection_yet(api, ready, approver):
    publish(api, make_item())
    workflow_services.request_reject(request_id=ApprovalRequest.objects.get().pk, user=approver, comment="No")
    publish(api, make_item(invoice_number="INV-4411-B"))

    body = api.get(URL).json()

    assert (body["status"], body["revision"], body["rejection"]) == ("on_approval", 2, None)


def test_a_published_bill_links_to_xero(api, ready, approver):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_approve(request_id=request.pk, user=approver)
    assert api.get(URL).json()["status"] == "approved"
    outcomes.request_mark_published(
        request_id=request.pk, external_system="xero", external_id="b1e5a1c4-0000-4000-8000-000000000001",
        external_url="https://go.xero.com/x?InvoiceID=b1e5a1c4-0000-4000-8000-000000000001",
    )

    body = api.get(URL).json()

    assert body["status"] == "published"
    assert body["xero_invoice_id"] == body["external_id"] == "b1e5a1c4-0000-4000-8000-000000000001"
    assert body["xero_url"] == body["external_url"] == \
        "https://go.xero.com/x?InvoiceID=b1e5a1c4-0000-4000-8000-000000000001"
    assert (body["accounting_system"], body["warnings"]) == ("xero", [])


def test_a_bill_in_another_system_leaves_the_xero_fields_empty(api, ready, approver):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_approve(request_id=request.pk, user=approver)
    outcomes.request_mark_published(request_id=request.pk, external_system="ledger", external_id="146",
                                             external_url="https://ledger.example/bill?txnId=146")

    body = api.get(URL).json()

    assert (body["accounting_system"], body["external_id"], body["external_url"]) == (
        "ledger", "146", "https://ledger.example/bill?txnId=146")
    assert body["xero_invoice_id"] is None and body["xero_url"] is None


def test_publishing_failure_shows(api, ready, approver):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_approve(request_id=request.pk, user=approver)
    outcomes.request_mark_publish_failed(request_id=request.pk, error="Xero said no")

    assert api.get(URL).json()["status"] == "publish_failed"


@pytest.mark.parametrize("outcome, status", [("published", "bypassed"), ("failed", "bypass_failed")])
def test_a_bank_transactions_outcome_is_bypassed_or_bypass_failed(api, ready, outcome, status):
    publish(api, make_item(publish_to="bank_transaction", paid=True))
    request = ApprovalRequest.objects.get()
    assert api.get(URL).json()["status"] == "approved"
    if outcome == "published":
        outcomes.request_mark_published(request_id=request.pk, external_system="xero", external_id="t1", external_url="")
    else:
        outcomes.request_mark_publish_failed(request_id=request.pk, error="No")

    body = api.get(URL).json()

    assert body["status"] == status
    assert body["xero_url"] is None


def test_withdrawing_cancels_the_request(api, ready):
    publish(api, make_item())

    response = api.delete(URL)

    assert response.status_code == 204
    assert response.content == b""
    request = ApprovalRequest.objects.get()
    assert request.state == "cancelled"
    assert request.audit_events.filter(action="cancelled", actor_label="Dext").exists()
    assert api.get(URL).json()["status"] == "cancelled"
    assert api.delete(URL).status_code == 204


def test_withdrawing_a_rejected_item_leaves_it_rejected(api, ready, approver):
    publish(api, make_item())
    workflow_services.request_reject(request_id=ApprovalRequest.objects.get().pk, user=approver, comment="No")

    assert api.delete(URL).status_code == 204
    assert ApprovalRequest.objects.get().state == "rejected"


def test_an_approved_item_cannot_be_withdrawn(api, ready, approver):
    publish(api, make_item())
    request = ApprovalRequest.objects.get()
    workflow_services.request_approve(request_id=request.pk, user=approver)

    response = api.delete(URL)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "locked"
    assert ApprovalRequest.objects.get().state == "approved"


def test_a_bank_transaction_cannot_be_withdrawn(api, ready):
    publish(api, make_item(publish_to="bank_transaction", paid=True))

    assert api.delete(URL).status_code == 409


def test_withdrawing_an_unknown_item_is_a_404(api, ready):
    assert api.delete("/api/dext/v1/cost-items/CI-999/").status_code == 404


def test_paths_work_without_the_trailing_slash(api, ready):
    publish(api, make_item())

    assert api.get(URL.rstrip("/")).status_code == 200


def test_an_item_id_with_unusual_characters_round_trips(api, ready):
    assert publish(api, make_item(dext_id="CI:7?#ü")).status_code == 201

    assert api.get("/api/dext/v1/cost-items/CI%3A7%3F%23%C3%BC/").json()["dext_id"] == "CI:7?#ü"
