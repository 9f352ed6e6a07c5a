"""Bills awaiting approval in the Xero sandbox, put there through its API as Dext would, and the
requests they become here."""

import uuid

import requests

from tests.builders import MINIMAL_PDF
from tests.xero_integration.helpers import SandboxReader
from workflows import services as engine
from workflows.models import ApprovalRequest
from xero_integration.models import XeroPulledBill


class SandboxWriter(SandboxReader):
    """Changes bills in the Xero sandbox through its API, as Dext or someone in Xero would."""

    def send(self, method: str, path: str, body: dict) -> dict:
        answer = requests.request(method, f"{self.api}/{path}", json=body, timeout=10,
                                  params={"summarizeErrors": "false"},
                                  headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex})
        answer.raise_for_status()
        return answer.json()["Invoices"][0]

    def submit_bill(self, *, number: str = "DX-1001", amount: str = "100.00", account: str = "429",
                    status: str = "SUBMITTED", url: str = "", document: bytes | None = MINIMAL_PDF,
                    supplier: str = "Acme Supplies Ltd", tracking: list | None = None) -> dict:
        bill = {"Type": "ACCPAY", "Contact": {"Name": supplier}, "InvoiceNumber": number, "Date": "2026-11-20",
                "DueDate": "2026-12-20", "Status": status, "LineAmountTypes": "Exclusive",
                "LineItems": [{"Description": "Printer paper", "Quantity": 1, "UnitAmount": amount,
                               "AccountCode": account, "TaxType": "INPUT2",
                               "Tracking": tracking if tracking is not None else [{"Name": "Region", "Option": "North"}]}]}
        if url:
            bill["Url"] = url
        created = self.send("PUT", "Invoices", {"Invoices": [bill]})
        assert not created.get("HasErrors"), created
        if document is not None:
            answer = requests.put(f"{self.api}/Invoices/{created['InvoiceID']}/Attachments/{number}.pdf", data=document,
                                  headers={**self.headers, "Content-Type": "application/pdf"}, timeout=10)
            answer.raise_for_status()
        return created

    def change(self, invoice_id: str, **fields) -> dict:
        changed = self.send("POST", f"Invoices/{invoice_id}", {"Invoices": [{"InvoiceID": invoice_id, **fields}]})
        assert not changed.get("HasErrors"), changed
        return changed

    def history(self, invoice_id: str) -> list[dict]:
        return self.get(f"Invoices/{invoice_id}/History").json()["HistoryRecords"]


def pulled_request(invoice_id: str) -> ApprovalRequest:
    return XeroPulledBill.objects.select_related("request").get(invoice_id=invoice_id).request


def first_approver(request):
    """The demo workflow's first approver (its one step waits for any one of two)."""
    return request.workflow.steps.get().approvers.order_by("pk").first()


def approve(request, capture) -> None:
    """The request approved by its first approver, which approves it fully."""
    with capture(execute=False):
        engine.request_approve(request_id=request.pk, user=first_approver(request))
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED


def line_changed(xero, bill, **changes) -> dict:
    """The bill's first line as someone in Xero would send it back, changed."""
    line = xero.invoice(bill["InvoiceID"])["LineItems"][0]
    kept = {k: line[k] for k in ("LineItemID", "Description", "Quantity", "UnitAmount", "AccountCode", "TaxType")}
    return {**kept, "Tracking": [{"Name": t["Name"], "Option": t["Option"]} for t in line["Tracking"]], **changes}
