from contextlib import contextmanager
from decimal import Decimal

import requests

from approvalmax.core.models import Account, Supplier, TaxRate, TrackingOption
from tests.builders import bill_content, pdf_document
from workflows import services as workflow_services
from workflows.models import ApprovalRequest
from xero_integration.client import XeroAccounting
from xero_integration.models import XeroConnection


class WorkerKilled(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even `except Exception` blocks."""


@contextmanager
def killed_after(monkeypatch, name: str):
    """Inside, the Xero client's method `name` makes its call and then the worker dies."""
    original = getattr(XeroAccounting, name)

    def call_then_die(self, *args, **kwargs):
        original(self, *args, **kwargs)
        raise WorkerKilled

    monkeypatch.setattr(XeroAccounting, name, call_then_die)
    try:
        yield
    finally:
        monkeypatch.setattr(XeroAccounting, name, original)


def publish_until_done(request, attempts: int = 5) -> None:
    """What the task's retries do: run again after a transient failure or a killed worker."""
    from xero_integration.exceptions import XeroUnavailable
    from xero_integration.services.publishing import tenant_publish

    for _ in range(attempts):
        try:
            tenant_publish(organisation_id=request.organisation_id)
        except (XeroUnavailable, WorkerKilled):
            continue
        request.refresh_from_db()
        if request.state != ApprovalRequest.State.APPROVED:
            return
    raise AssertionError("the request was never published")


def synced_master_data(organisation) -> dict:
    """The tests' usual master-data names, looked up among what the sync brought from the sandbox."""
    return {
        "general": Account.objects.get(organisation=organisation, code="429"),
        "bank": Account.objects.get(organisation=organisation, code="090"),
        "archived": Account.objects.get(organisation=organisation, code="999"),
        "input2": TaxRate.objects.get(organisation=organisation, tax_type="INPUT2"),
        "north": TrackingOption.objects.get(category__organisation=organisation, category__name="Region", name="North"),
        "supplier": Supplier.objects.get(organisation=organisation, name="Acme Supplies Ltd"),
    }


def synced_bill_content(organisation, **overrides):
    return bill_content(synced_master_data(organisation), **overrides)


class SandboxReader:
    """Reads back what the Xero sandbox holds, through its API, as a second client would."""

    def __init__(self, settings, organisation) -> None:
        connection = XeroConnection.objects.get(organisation=organisation)
        self.api = settings.XERO_API_URL
        self.headers = {"Authorization": f"Bearer {connection.access_token}",
                        "xero-tenant-id": str(connection.tenant_id), "Accept": "application/json"}

    def get(self, path: str, **params) -> requests.Response:
        response = requests.get(f"{self.api}/{path}", headers=self.headers, params=params, timeout=10)
        response.raise_for_status()
        return response

    def invoice(self, invoice_id) -> dict:
        return self.get(f"Invoices/{invoice_id}").json()["Invoices"][0]

    def bills(self) -> list[dict]:
        return [i for i in self.get("Invoices").json()["Invoices"] if i["Type"] == "ACCPAY"]

    def attachments(self, invoice_id) -> list[dict]:
        return self.get(f"Invoices/{invoice_id}/Attachments").json()["Attachments"]

    def attachment_bytes(self, invoice_id, filename) -> bytes:
        return self.get(f"Invoices/{invoice_id}/Attachments/{filename}").content

    def payments(self) -> list[dict]:
        return self.get("Payments").json()["Payments"]


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def approved_request(organisation, django_capture_on_commit_callbacks, **overrides) -> ApprovalRequest:
    """A bill request as the approval engine leaves it once approved. The publisher's tests do not
    depend on how the workflow routes approvals, so the state is set directly; on-commit work
    (the publish task) is captured, not run."""
    with django_capture_on_commit_callbacks(execute=False):
        request = workflow_services.request_create(
            organisation=organisation, content=synced_bill_content(organisation, **overrides),
            document=pdf_document())
    ApprovalRequest.objects.filter(pk=request.pk).update(state=ApprovalRequest.State.APPROVED)
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED
    return request
