import pytest

from tests.xero_sandbox.conftest import bill, line
from xero_integration.sandbox.models import Account, BankTransaction, Invoice, Payment

pytestmark = pytest.mark.django_db(transaction=True)


def _bill(api, **overrides) -> dict:
    return api.put("Invoices", {"Invoices": [bill(**overrides)]}).json()["Invoices"][0]


def _pay(api, invoice_id: str, amount, account: dict | None = None, **params):
    payment = {
        "Invoice": {"InvoiceID": invoice_id},
        "Account": account or {"Code": "090"},
        "Date": "2026-11-20",
        "Amount": amount,
    }
    return api.put("Payments", {"Payments": [payment]}, **params)


def test_a_full_payment_makes_the_bill_paid(api):
    invoice = _bill(api)
    answer = _pay(api, invoice["InvoiceID"], 54.00)
    assert answer.status_code == 200
    [payment] = answer.json()["Payments"]
    assert payment["Amount"] == 54.0 and payment["PaymentType"] == "ACCPAYPAYMENT"
    assert payment["Account"]["Code"] == "090"
    assert payment["DateString"] == "2026-11-20T00:00:00"
    assert payment["Invoice"]["InvoiceID"] == invoice["InvoiceID"]

    [paid] = api.get(f"Invoices/{invoice['InvoiceID']}").json()["Invoices"]
    assert paid["Status"] == "PAID"
    assert paid["AmountDue"] == 0.0 and paid["AmountPaid"] == 54.0
    assert paid["Payments"][0]["PaymentID"] == payment["PaymentID"]
    assert "FullyPaidOnDate" in paid
    assert [row["PaymentID"] for row in api.get("Payments").json()["Payments"]] == [payment["PaymentID"]]


def test_a_part_payment_leaves_the_rest_due(api):
    invoice = _bill(api)
    assert _pay(api, invoice["InvoiceID"], "20.00").status_code == 200
    [partly] = api.get(f"Invoices/{invoice['InvoiceID']}").json()["Invoices"]
    assert partly["Status"] == "AUTHORISED" and partly["AmountDue"] == 34.0 and partly["AmountPaid"] == 20.0


def test_a_payment_by_account_id_to_an_account_open_to_payments(api):
    Account.objects.filter(code="800").update(enable_payments_to_account=True)
    account = Account.objects.get(code="800")
    invoice = _bill(api)
    assert _pay(api, invoice["InvoiceID"], 54, {"AccountID": str(account.account_id)}).status_code == 200
    assert Invoice.objects.get().status == "PAID"


@pytest.mark.parametrize(
    ("status", "amount", "account", "message"),
    [
        ("AUTHORISED", 54.01, {"Code": "090"}, "Payment amount exceeds the amount outstanding on this document"),
        ("DRAFT", 54, {"Code": "090"}, "Payments can only be made against Authorised documents"),
        ("AUTHORISED", 54, {"Code": "429"}, "Account type is invalid for making a payment to/from"),
        ("AUTHORISED", 54, {"Code": "777"}, "Account could not be found"),
        ("AUTHORISED", 0, {"Code": "090"}, "Payment amount must be greater than zero"),
    ],
)
def test_payments_xero_refuses(api, status, amount, account, message):
    invoice = _bill(api, Status=status)
    answer = _pay(api, invoice["InvoiceID"], amount, account, summarizeErrors="false")
    assert answer.status_code == 200
    [element] = answer.json()["Payments"]
    assert element["StatusAttributeString"] == "ERROR"
    assert element["ValidationErrors"] == [{"Message": message}]
    assert Payment.objects.count() == 0
    assert Invoice.objects.get().status == status


def test_a_refused_payment_summarised_is_a_400(api):
    invoice = _bill(api, Status="DRAFT")
    answer = _pay(api, invoice["InvoiceID"], 54)
    assert answer.status_code == 400 and answer.json()["Type"] == "ValidationException"


def test_a_paid_bill_cannot_be_edited(api):
    invoice = _bill(api)
    _pay(api, invoice["InvoiceID"], 54)
    answer = api.post(f"Invoices/{invoice['InvoiceID']}", {"Reference": "late change"})
    assert answer.status_code == 400


def test_a_spend_money_bank_transaction(api, tenant):
    transaction = {
        "Type": "SPEND",
        "Contact": {"Name": "Northern Couriers"},
        "BankAccount": {"Code": "090"},
        "Date": "2026-11-03",
        "LineAmountTypes": "Inclusive",
        "Status": "AUTHORISED",
        "LineItems": [
            line(UnitAmount="12.00", Description="Courier", Tracking=[{"Name": "Department", "Option": "Sales"}])
        ],
    }
    answer = api.put("BankTransactions", {"BankTransactions": [transaction]})
    assert answer.status_code == 200, answer.text
    [created] = answer.json()["BankTransactions"]
    assert created["Type"] == "SPEND" and created["Status"] == "AUTHORISED"
    assert created["BankAccount"]["Code"] == "090"
    assert created["Total"] == 12.0 and created["TotalTax"] == 2.0 and created["SubTotal"] == 10.0
    assert created["LineItems"][0]["Tracking"][0]["Option"] == "Sales"

    attachment = api.put(
        f"BankTransactions/{created['BankTransactionID']}/Attachments/receipt.jpg",
        data=b"\xff\xd8\xff receipt",
        headers={"Content-Type": "image/jpeg"},
    )
    assert attachment.status_code == 200 and attachment.json()["Attachments"][0]["MimeType"] == "image/jpeg"
    [listed] = api.get("BankTransactions").json()["BankTransactions"]
    assert listed["BankTransactionID"] == created["BankTransactionID"] and listed["HasAttachments"] is True


def test_a_bank_transaction_needs_a_bank_account(api):
    transaction = {
        "Type": "SPEND",
        "Contact": {"Name": "Northern Couriers"},
        "BankAccount": {"Code": "429"},
        "LineItems": [line()],
    }
    answer = api.put("BankTransactions", {"BankTransactions": [transaction]}, summarizeErrors="false")
    [element] = answer.json()["BankTransactions"]
    assert element["StatusAttributeString"] == "ERROR"
    assert element["ValidationErrors"] == [{"Message": "Account type is invalid for making a bank transaction to/from"}]
    assert BankTransaction.objects.count() == 0
