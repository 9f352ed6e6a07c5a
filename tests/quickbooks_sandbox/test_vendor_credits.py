"""Vendor credits in the QuickBooks Online stand-in: created with QBO's own totals, attached to,
and applied to the vendor's bills by a bill payment."""

import pytest
import requests

from tests.quickbooks_sandbox.conftest import bill

pytestmark = pytest.mark.django_db(transaction=True)


def _detail(response: requests.Response) -> str:
    return response.json()["Fault"]["Error"][0]["Detail"]


def _apply(api, vendor: str, bill_id: str, credit_id: str, amount, *, total=0):
    bank = api.ids("Account", "AccountType = 'Bank'")[0]
    return api.post("billpayment", {"VendorRef": {"value": vendor}, "PayType": "Check", "TotalAmt": total,
                                    "CheckPayment": {"BankAccountRef": {"value": bank}},
                                    "Line": [{"Amount": amount, "LinkedTxn": [{"TxnId": bill_id, "TxnType": "Bill"}]},
                                             {"Amount": amount, "LinkedTxn": [{"TxnId": credit_id,
                                                                               "TxnType": "VendorCredit"}]}]})


def test_a_vendor_credit_is_created_with_its_balance_and_takes_attachments(api):
    created = api.post("vendorcredit", bill(api)).json()["VendorCredit"]

    assert created["TotalAmt"] == 54.0 and created["Balance"] == 54.0 and created["DocNumber"] == "INV-4411"
    assert api.get(f"vendorcredit/{created['Id']}").json()["VendorCredit"]["Id"] == created["Id"]
    metadata = ('{"AttachableRef": [{"EntityRef": {"type": "VendorCredit", "value": "%s"}}], "FileName": "cn.pdf", '
                '"ContentType": "application/pdf"}' % created["Id"])
    answer = requests.post(api.url("upload"), headers=api.headers(), files={
        "file_metadata_01": (None, metadata, "application/json"),
        "file_content_01": ("cn.pdf", b"%PDF-1.4 body", "application/pdf")})
    assert answer.json()["AttachableResponse"][0]["Attachable"]["FileName"] == "cn.pdf"


def test_a_bill_payment_of_nothing_applies_the_credit_to_the_bill(api):
    owed = api.post("bill", bill(api)).json()["Bill"]
    credit = api.post("vendorcredit", bill(api, DocNumber="CN-1")).json()["VendorCredit"]

    applied = _apply(api, owed["VendorRef"]["value"], owed["Id"], credit["Id"], 54)

    assert applied.status_code == 200, applied.text
    assert api.get(f"bill/{owed['Id']}").json()["Bill"]["Balance"] == 0
    assert api.get(f"vendorcredit/{credit['Id']}").json()["VendorCredit"]["Balance"] == 0
    links = [link["TxnType"] for line in applied.json()["BillPayment"]["Line"] for link in line["LinkedTxn"]]
    assert links == ["Bill", "VendorCredit"]


@pytest.mark.parametrize(("amount", "total", "words"), [
    (60, 0, "open balance"),
    (54, 10, "not TotalAmt"),
])
def test_qbo_refuses_more_credit_than_there_is_or_totals_that_do_not_add_up(api, amount, total, words):
    owed = api.post("bill", bill(api)).json()["Bill"]
    credit = api.post("vendorcredit", bill(api, DocNumber="CN-2")).json()["VendorCredit"]

    refused = _apply(api, owed["VendorRef"]["value"], owed["Id"], credit["Id"], amount, total=total)

    assert refused.status_code == 400 and words in _detail(refused)
    assert api.get(f"vendorcredit/{credit['Id']}").json()["VendorCredit"]["Balance"] == 54.0
