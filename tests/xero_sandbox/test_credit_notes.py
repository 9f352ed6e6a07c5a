"""Supplier credit notes in the Xero stand-in: created, attached to, and allocated as in Xero."""

import pytest

from tests.xero_sandbox.conftest import bill

pytestmark = pytest.mark.django_db(transaction=True)


def credit_note(**overrides) -> dict:
    data = bill(Type="ACCPAYCREDIT")
    data["CreditNoteNumber"] = data.pop("InvoiceNumber")
    data.pop("DueDate", None)
    data.pop("Url", None)
    data.update(overrides)
    return data


def _create(api, path: str, plural: str, body: dict) -> dict:
    answer = api.put(path, {plural: [body]}, summarizeErrors="false")
    assert answer.status_code == 200, answer.text
    [element] = answer.json()[plural]
    return element


def _allocate(api, credit_id: str, invoice_id: str, amount) -> dict:
    return _create(api, f"CreditNotes/{credit_id}/Allocations", "Allocations",
                   {"Invoice": {"InvoiceID": invoice_id}, "Amount": amount, "Date": "2026-11-05"})


def test_a_supplier_credit_note_is_created_apart_from_the_invoices(api, tenant):
    element = _create(api, "CreditNotes", "CreditNotes", credit_note(CreditNoteNumber="CN-9"))

    assert element["StatusAttributeString"] == "OK", element
    assert element["Type"] == "ACCPAYCREDIT" and element["Status"] == "AUTHORISED"
    assert element["CreditNoteNumber"] == "CN-9" and element["Total"] == 54.0 and element["RemainingCredit"] == 54.0
    assert element["Contact"]["Name"] == "Acme Supplies Ltd"
    fetched = api.get(f"CreditNotes/{element['CreditNoteID']}").json()["CreditNotes"][0]
    assert fetched["CreditNoteID"] == element["CreditNoteID"] and fetched["Attachments"] == []
    assert element["CreditNoteID"] not in {i["InvoiceID"] for i in api.get("Invoices").json()["Invoices"]}
    assert api.get(f"Invoices/{element['CreditNoteID']}").status_code == 404


def test_an_invoice_type_is_refused_on_credit_notes(api, tenant):
    element = _create(api, "CreditNotes", "CreditNotes", credit_note(Type="ACCPAY"))

    assert element["StatusAttributeString"] == "ERROR"
    assert "Credit Note Type 'ACCPAY' is not valid" in element["ValidationErrors"][0]["Message"]


def test_a_credit_note_takes_attachments(api, tenant):
    credit = _create(api, "CreditNotes", "CreditNotes", credit_note())

    answer = api.put(f"CreditNotes/{credit['CreditNoteID']}/Attachments/cn.pdf", data=b"%PDF-1.4 x",
                     headers={"Content-Type": "application/pdf"})

    assert answer.status_code == 200, answer.text
    fetched = api.get(f"CreditNotes/{credit['CreditNoteID']}").json()["CreditNotes"][0]
    assert [a["FileName"] for a in fetched["Attachments"]] == ["cn.pdf"]


def test_allocating_credit_reduces_both_and_pays_off_what_reaches_zero(api, tenant):
    invoice = _create(api, "Invoices", "Invoices", bill(InvoiceNumber="B-1"))
    credit = _create(api, "CreditNotes", "CreditNotes", credit_note())

    allocation = _allocate(api, credit["CreditNoteID"], invoice["InvoiceID"], 54)

    assert allocation["StatusAttributeString"] == "OK", allocation
    assert allocation["Invoice"]["InvoiceID"] == invoice["InvoiceID"]
    bill_now = api.get(f"Invoices/{invoice['InvoiceID']}").json()["Invoices"][0]
    assert bill_now["AmountDue"] == 0 and bill_now["AmountCredited"] == 54 and bill_now["Status"] == "PAID"
    assert bill_now["CreditNotes"][0]["CreditNoteID"] == credit["CreditNoteID"]
    credit_now = api.get(f"CreditNotes/{credit['CreditNoteID']}").json()["CreditNotes"][0]
    assert credit_now["RemainingCredit"] == 0 and credit_now["Status"] == "PAID"
    assert [a["Amount"] for a in credit_now["Allocations"]] == [54]


@pytest.mark.parametrize(("amount", "invoice", "message"), [
    (60, {}, "more than the remaining credit"),
    (10, {"Contact": {"Name": "Someone Else Ltd"}}, "same contact"),
    (10, {"Status": "DRAFT"}, "status of AUTHORISED"),
    (0, {}, "greater than zero"),
])
def test_an_allocation_xero_would_refuse_changes_nothing(api, tenant, amount, invoice, message):
    target = _create(api, "Invoices", "Invoices", bill(InvoiceNumber="B-2", **invoice))
    credit = _create(api, "CreditNotes", "CreditNotes", credit_note())

    refused = _allocate(api, credit["CreditNoteID"], target["InvoiceID"], amount)

    assert refused["StatusAttributeString"] == "ERROR"
    assert any(message in error["Message"] for error in refused["ValidationErrors"]), refused
    credit_now = api.get(f"CreditNotes/{credit['CreditNoteID']}").json()["CreditNotes"][0]
    assert credit_now["RemainingCredit"] == 54 and credit_now["Allocations"] == []


def test_an_invoice_with_credit_allocated_cannot_be_edited(api, tenant):
    invoice = _create(api, "Invoices", "Invoices", bill(InvoiceNumber="B-3"))
    credit = _create(api, "CreditNotes", "CreditNotes", credit_note(LineItems=[
        {"Description": "Part", "Quantity": 1, "UnitAmount": 5, "AccountCode": "429", "TaxType": "INPUT2"}]))
    _allocate(api, credit["CreditNoteID"], invoice["InvoiceID"], 6)

    answer = api.post(f"Invoices/{invoice['InvoiceID']}", {"InvoiceNumber": "B-3a"}, summarizeErrors="false")

    assert "credit note allocated" in answer.text
