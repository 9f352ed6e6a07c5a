"""Every request our client sends to the Accounting API, checked against Xero's OpenAPI description
(shared/xero-openapi/xero_accounting.yaml): paths, methods, parameters, headers and bodies."""

import pytest
import yaml
from django.conf import settings as django_settings
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest
from openapi_core.validation.request.validators import V30RequestParametersValidator

from tests.conftest import require_service
from tests.xero_integration.helpers import approved_request, synced_master_data
from workflows.models import ApprovalRequest
from xero_integration import client as xero_client
from xero_integration.exceptions import XeroUnavailable
from xero_integration.sandbox.faults import fault_arm
from xero_integration.sandbox.models import Fault
from xero_integration.services.publishing import tenant_publish
from xero_integration.services.sync import master_data_sync

pytestmark = pytest.mark.django_db(transaction=True)

SPEC = django_settings.BASE_DIR.parent / "shared" / "xero-openapi" / "xero_accounting.yaml"


@pytest.fixture
def sent(monkeypatch):
    """The prepared requests our client sent, as they went over the wire."""
    requests_sent = []
    original = xero_client._send

    def recording(session, method, url, **kwargs):
        response = original(session, method, url, **kwargs)
        requests_sent.append(response.request)
        return response

    monkeypatch.setattr(xero_client, "_send", recording)
    return requests_sent


def test_every_request_the_client_sends_matches_xeros_openapi_description(
        connected_organisation, settings, sent, django_capture_on_commit_callbacks):
    if not SPEC.exists():
        require_service("Xero's OpenAPI description", f"{SPEC} is missing")
    description = {**yaml.load(SPEC.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)),
                   "servers": [{"url": settings.XERO_API_URL}]}
    spec = OpenAPI.from_dict(description, config=Config(spec_validator_cls=None))
    data = synced_master_data(connected_organisation)
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0
    settings.XERO_PUBLISH_TURN_CALLS = 100  # every call in one turn: taking turns is tested on its own
    master_data_sync(organisation_id=connected_organisation.pk)
    master_data_sync(organisation_id=connected_organisation.pk, incremental=True)
    for n in range(2):
        approved_request(connected_organisation, django_capture_on_commit_callbacks, invoice_number=f"C-{n}",
                         source_reference=f"C-{n}", is_paid=True, payment_method_name="Card",
                         payment_account=data["bank"])
    spend = approved_request(connected_organisation, django_capture_on_commit_callbacks, invoice_number="S-1",
                             source_reference="S-1", is_paid=True, payment_account=data["bank"])
    ApprovalRequest.objects.filter(pk=spend.pk).update(kind=ApprovalRequest.Kind.SPEND_MONEY)
    for path in ("/api.xro/2.0/invoices", "/api.xro/2.0/payments", "/api.xro/2.0/banktransactions"):
        fault_arm(kind=Fault.Kind.LOST_ANSWER, method="PUT", path_contains=path)
    for _ in range(5):
        try:
            if not tenant_publish(organisation_id=connected_organisation.pk):
                break
        except XeroUnavailable:
            continue

    accounting = [r for r in sent if r.url.startswith(settings.XERO_API_URL)]
    kinds = {(r.method, r.path_url.split("?")[0].split("/api.xro/2.0/")[1].split("/")[0]) for r in accounting}
    assert {("GET", "Organisation"), ("GET", "Contacts"), ("GET", "Accounts"), ("GET", "TaxRates"),
            ("GET", "TrackingCategories"), ("PUT", "Invoices"), ("GET", "Invoices"), ("PUT", "Payments"),
            ("PUT", "BankTransactions"), ("GET", "BankTransactions")} <= kinds
    parameters_only = OpenAPI.from_dict(description, config=Config(
        spec_validator_cls=None, request_validator_cls=V30RequestParametersValidator))
    for prepared in accounting:
        if prepared.headers.get("Content-Type") == "application/octet-stream":
            # The description types attachment bodies as `format: byte` (base64), while Xero and its
            # SDKs take the file's raw bytes (XERO_FACTS.md): check the path, parameters and headers.
            assert prepared.body
            parameters_only.validate_request(RequestsOpenAPIRequest(prepared))
        else:
            spec.validate_request(RequestsOpenAPIRequest(prepared))
