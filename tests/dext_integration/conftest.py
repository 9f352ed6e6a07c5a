import copy
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from dext_integration.services import dext_connection_create
from tests.builders import MINIMAL_PDF
from workflows.models import ApprovalRequest, RequestDocument

# INTERFACES.md §3's example item: 10 x 4.50 at 20% VAT, total 54.00.
EXAMPLE_ITEM = {
    "dext_id": "CI-000123",
    "type": "invoice",
    "publish_to": "bill",
    "supplier": {"name": "Acme Supplies Ltd", "xero_contact_id": None},
    "invoice_number": "INV-4411",
    "date": "2026-11-02",
    "due_date": "2026-12-02",
    "currency": "GBP",
    "line_amount_types": "Exclusive",
    "line_items": [
        {
            "description": "Printer paper",
            "quantity": "10",
            "unit_amount": "4.50",
            "account_code": "429",
            "tax_type": "INPUT2",
            "tracking": [{"category": "Region", "option": "North"}],
        }
    ],
    "total": "54.00",
    "tax_total": "9.00",
    "paid": False,
    "payment_method": {"name": "Company card", "bank_account_code": "090"},
    "owner": {"email": "sam@example.com", "name": "Sam Taylor"},
    "document_url": "https://app.dext.example/costs/CI-000123",
}


def make_item(**overrides) -> dict:
    item = copy.deepcopy(EXAMPLE_ITEM)
    item.update(copy.deepcopy(overrides))
    return item


def publish(client: APIClient, item, document: bytes = MINIMAL_PDF, filename: str = "INV-4411.pdf"):
    """POST a cost item as Dext does: multipart with `document` and `item`."""
    payload = item if isinstance(item, str) else json.dumps(item)
    return client.post(
        "/api/dext/v1/cost-items/",
        {"item": payload, "document": SimpleUploadedFile(filename, document, "application/pdf")},
        format="multipart",
    )


def error(response) -> dict:
    """The JSON error of INTERFACES.md §3, checked for its shape."""
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    return body["error"]


def assert_nothing_written():
    assert not ApprovalRequest.objects.exists()
    assert not RequestDocument.objects.exists()


def client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


@pytest.fixture
def dext_key(organisation):
    _, key = dext_connection_create(organisation=organisation, account_name="Dext test")
    return key


@pytest.fixture
def api(dext_key):
    return client_for(dext_key)


@pytest.fixture
def ready(master_data, workflow):
    """An organisation with synced master data and a one-step workflow."""
    return master_data
