"""The sandbox's answers checked against Xero's own OpenAPI description (shared/xero-openapi)."""

import pytest
import requests
import yaml
from django.conf import settings as django_settings
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

from tests.conftest import require_service
from tests.xero_sandbox.conftest import bill

pytestmark = pytest.mark.django_db(transaction=True)

SPECS = django_settings.BASE_DIR.parent / "shared" / "xero-openapi"


@pytest.fixture(scope="module")
def accounting_spec() -> dict:
    path = SPECS / "xero_accounting.yaml"
    if not path.exists():
        require_service("Xero's OpenAPI description", f"{path} is missing")
    return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@pytest.fixture
def check(accounting_spec, sandbox):
    """Validate a `requests` answer against the spec, the sandbox standing in for api.xero.com."""
    spec = OpenAPI.from_dict(
        {**accounting_spec, "servers": [{"url": sandbox.api}]}, config=Config(spec_validator_cls=None)
    )

    def validate(answer: requests.Response, status: int = 200) -> requests.Response:
        assert answer.status_code == status, answer.text
        spec.validate_response(RequestsOpenAPIRequest(answer.request), RequestsOpenAPIResponse(answer))
        return answer

    return validate


def test_master_data_answers_match_the_spec(api, check):
    for endpoint in ("Organisation", "Accounts", "TaxRates", "TrackingCategories", "Currencies", "Contacts"):
        check(api.get(endpoint))
    check(api.get("Contacts", page=1))
    check(api.put("Contacts", {"Contacts": [{"Name": "New Ltd"}]}))
    check(api.put("Contacts", {"Contacts": [{"Name": "Office World"}]}), status=400)


def test_document_answers_match_the_spec(api, check):
    invoice = check(api.put("Invoices", {"Invoices": [bill()]}, summarizeErrors="false")).json()["Invoices"][0]
    invoice_id = invoice["InvoiceID"]
    check(api.put("Invoices", {"Invoices": [bill(LineItems=[])]}, summarizeErrors="false"))
    check(api.get("Invoices", page=1))
    check(api.get(f"Invoices/{invoice_id}"))
    check(
        api.put(
            f"Invoices/{invoice_id}/Attachments/bill.pdf", data=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}
        )
    )
    check(api.get(f"Invoices/{invoice_id}/Attachments"))
    payment = {"Invoice": {"InvoiceID": invoice_id}, "Account": {"Code": "090"}, "Date": "2026-11-20", "Amount": 54}
    check(api.put("Payments", {"Payments": [payment]}))
    check(api.get("Payments"))
    spend = {
        "Type": "SPEND",
        "Contact": {"Name": "Office World"},
        "BankAccount": {"Code": "090"},
        "LineItems": [{"Description": "Pens", "Quantity": 1, "UnitAmount": 5, "AccountCode": "461"}],
    }
    check(api.put("BankTransactions", {"BankTransactions": [spend]}))
    check(api.get("BankTransactions"))
