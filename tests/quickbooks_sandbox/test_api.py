"""The Accounting API as QBO answers it: auth faults, queries and CDC, QBO's refusals, `requestid`
replay, injected faults, uploads, batches, payments and the realm's limits."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from quickbooks_integration.sandbox.models import Company, Entity
from tests.quickbooks_sandbox.conftest import Api, bill

pytestmark = pytest.mark.django_db(transaction=True)


def fault(response: requests.Response) -> tuple[str, str]:
    error = response.json()["Fault"]["Error"][0]
    return error["code"], error["Detail"]


def test_an_unknown_token_is_a_401_in_qbos_lower_case_dialect(api):
    response = Api(api.base, "nonsense", api.realm_id).get(f"companyinfo/{api.realm_id}")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["fault"]["type"] == "AUTHENTICATION"


def test_a_token_for_another_realm_is_refused(api):
    response = Api(api.base, api.access_token, "123456").get("companyinfo/123456")

    assert response.status_code == 403 and response.json()["Fault"]["type"] == "AuthorizationFault"


def test_queries_filter_page_count_and_hide_inactive_names(api):
    vendors = api.query("select * from Vendor").json()["QueryResponse"]
    assert [v["DisplayName"] for v in vendors["Vendor"]] == ["Acme Supplies Ltd", "Northern Rail",
                                                              "Stationery Direct"]
    page = api.query("select * from Vendor where DisplayName like '%Rail%' STARTPOSITION 1 MAXRESULTS 5")
    assert [v["DisplayName"] for v in page.json()["QueryResponse"]["Vendor"]] == ["Northern Rail"]
    second = api.query("select * from Vendor orderby DisplayName desc STARTPOSITION 2 MAXRESULTS 1").json()
    assert second["QueryResponse"]["Vendor"][0]["DisplayName"] == "Northern Rail"
    assert api.query("select count(*) from Account where AccountType in ('Bank', 'Credit Card')").json()[
        "QueryResponse"] == {"totalCount": 2}

    row = Entity.objects.get(kind="Vendor", data__DisplayName="Northern Rail")
    row.data = {**row.data, "Active": False, "DisplayName": "Northern Rail (deleted)"}
    row.save()
    assert "Northern Rail" not in api.query("select * from Vendor").text
    everything = api.query("select * from Vendor where Active in (true, false)").json()["QueryResponse"]["Vendor"]
    assert "Northern Rail (deleted)" in [v["DisplayName"] for v in everything]


@pytest.mark.parametrize("statement, code", [
    ("select * from Vendor MAXRESULTS 1001", "4001"),
    ("select everything", "4000"),
    ("select * from Vendor where DisplayName ~ 'x'", "4000"),
])
def test_a_bad_query_is_a_validation_fault(api, statement, code):
    response = api.query(statement)

    assert response.status_code == 400 and fault(response)[0] == code


def test_cdc_answers_what_changed_since_then_and_refuses_more_than_30_days(api):
    since = timezone.now()
    created = api.post("vendor", {"DisplayName": "Brand New Ltd"}).json()["Vendor"]

    changes = api.get("cdc", entities="Vendor,Account", changedSince=since.isoformat()).json()

    [vendors, accounts] = changes["CDCResponse"][0]["QueryResponse"]
    assert [v["Id"] for v in vendors["Vendor"]] == [created["Id"]] and accounts == {}
    old = api.get("cdc", entities="Vendor", changedSince=(since - timedelta(days=31)).isoformat())
    assert old.status_code == 400 and fault(old)[0] == "4002"


def test_a_vendor_name_is_unique_whatever_its_case(api):
    response = api.post("vendor", {"DisplayName": "ACME supplies ltd"})

    assert response.status_code == 400
    code, detail = fault(response)
    assert code == "6240" and detail.startswith("The name supplied already exists. : Id=")


def test_a_bill_is_created_with_qbos_own_tax_and_balance(api):
    created = api.post("bill", bill(api), requestid="r-1").json()["Bill"]

    assert created["TotalAmt"] == 54.0 and created["TxnTaxDetail"]["TotalTax"] == 9.0 and created["Balance"] == 54.0
    assert created["SyncToken"] == "0" and created["DocNumber"] == "INV-4411"
    assert api.get(f"bill/{created['Id']}").json()["Bill"]["Id"] == created["Id"]


@pytest.mark.parametrize("change, code", [
    ({"VendorRef": {"value": "99999"}}, "2500"),
    ({"Line": []}, "2020"),
    ({"DocNumber": "X" * 22}, "6000"),
    ({"GlobalTaxCalculation": "Sometimes"}, "2010"),
    ({"CurrencyRef": {"value": "EUR"}}, "6000"),
])
def test_qbo_refuses_what_it_refuses(api, change, code):
    response = api.post("bill", bill(api, **change))

    assert response.status_code == 400 and fault(response)[0] == code
    assert not Entity.objects.filter(kind="Bill").exists()


def test_a_non_us_bill_needs_a_tax_code_on_every_line(api):
    data = bill(api)
    del data["Line"][0]["AccountBasedExpenseLineDetail"]["TaxCodeRef"]

    response = api.post("bill", data)

    assert fault(response) == ("6000", "Business Validation Error: Make sure all your transactions have a VAT "
                                       "rate before you save.")


def test_a_fault_can_come_with_http_200(api, company):
    Company.objects.filter(pk=company.pk).update(faults_in_200=True)

    response = api.post("bill", bill(api, VendorRef={"value": "99999"}))

    assert response.status_code == 200 and fault(response)[0] == "2500"


def test_the_same_requestid_gets_the_first_answer_and_writes_once(api):
    first = api.post("bill", bill(api), requestid="bill-7-r1")
    second = api.post("bill", bill(api, DocNumber="CHANGED"), requestid="bill-7-r1")

    assert second.status_code == first.status_code == 200 and second.json() == first.json()
    assert Entity.objects.filter(kind="Bill").count() == 1
    assert api.post("bill", bill(api), requestid="x" * 51).status_code == 400


def test_a_lost_answer_wrote_the_bill_and_its_requestid_says_so(api, company):
    Company.objects.filter(pk=company.pk).update(injected_faults=["lost_answer", "error_500", "throttle"])

    lost = api.post("bill", bill(api), requestid="lost-1")
    assert lost.status_code == 502 and Entity.objects.filter(kind="Bill").count() == 1
    assert api.post("bill", bill(api), requestid="lost-1").json()["Bill"]["DocNumber"] == "INV-4411"

    failed = api.post("bill", bill(api), requestid="failed-1")
    assert failed.status_code == 500 and failed.json()["Fault"]["type"] == "SystemFault"
    throttled = api.post("bill", bill(api), requestid="failed-1")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    assert api.post("bill", bill(api), requestid="failed-1").status_code == 200
    assert Entity.objects.filter(kind="Bill").count() == 2


def test_attachments_are_uploaded_to_a_bill(api, sandbox, company):
    created = api.post("bill", bill(api)).json()["Bill"]
    metadata = ('{"AttachableRef": [{"EntityRef": {"type": "Bill", "value": "%s"}}], "FileName": "INV-4411.pdf", '
                '"ContentType": "application/pdf"}' % created["Id"])

    answer = requests.post(api.url("upload"), headers=api.headers(), params={"requestid": "up-1"}, files={
        "file_metadata_01": (None, metadata, "application/json"),
        "file_content_01": ("INV-4411.pdf", b"%PDF-1.4 body", "application/pdf")})

    attachable = answer.json()["AttachableResponse"][0]["Attachable"]
    assert attachable["FileName"] == "INV-4411.pdf" and attachable["Size"] == 13
    page = sandbox.session.get(f"{sandbox.base}/companies/{company.realm_id}/attachments/{attachable['Id']}/")
    assert page.content == b"%PDF-1.4 body"
    home = sandbox.session.get(f"{sandbox.base}/").text
    assert "INV-4411.pdf" in home and "Acme Supplies Ltd" in home


def test_a_batch_answers_each_operation_and_one_failure_fails_alone(api):
    items = [{"bId": "1", "operation": "create", "Vendor": {"DisplayName": "Batch Co"}},
             {"bId": "2", "operation": "create", "Vendor": {"DisplayName": "Acme Supplies Ltd"}},
             {"bId": "3", "Query": "select * from Vendor where DisplayName = 'Batch Co'"}]

    answers = api.post("batch", {"BatchItemRequest": items}, requestid="batch-1").json()["BatchItemResponse"]

    assert answers[0]["Vendor"]["DisplayName"] == "Batch Co"
    assert answers[1]["Fault"]["Error"][0]["code"] == "6240"
    assert answers[2]["QueryResponse"]["Vendor"][0]["DisplayName"] == "Batch Co"
    too_many = api.post("batch", {"BatchItemRequest": [items[2]] * 31})
    assert too_many.status_code == 400 and fault(too_many)[0] == "1040"


def test_a_payment_settles_the_bill_from_a_bank_or_card_account(api):
    created = api.post("bill", bill(api)).json()["Bill"]
    vendor = created["VendorRef"]["value"]
    bank = api.ids("Account", "AccountType = 'Bank'")[0]
    card = api.ids("Account", "AccountType = 'Credit Card'")[0]

    wrong = api.post("billpayment", {"VendorRef": {"value": vendor}, "PayType": "Check", "TotalAmt": 54,
                                     "CheckPayment": {"BankAccountRef": {"value": card}},
                                     "Line": [{"Amount": 54, "LinkedTxn": [{"TxnId": created["Id"],
                                                                            "TxnType": "Bill"}]}]})
    assert wrong.status_code == 400 and fault(wrong)[0] == "6000"
    paid = api.post("billpayment", {"VendorRef": {"value": vendor}, "PayType": "Check", "TotalAmt": 54,
                                    "CheckPayment": {"BankAccountRef": {"value": bank}},
                                    "Line": [{"Amount": 54, "LinkedTxn": [{"TxnId": created["Id"],
                                                                           "TxnType": "Bill"}]}]})
    assert paid.status_code == 200, paid.text
    assert api.get(f"bill/{created['Id']}").json()["Bill"]["Balance"] == 0
    again = api.post("billpayment", {"VendorRef": {"value": vendor}, "PayType": "CreditCard", "TotalAmt": 1,
                                     "CreditCardPayment": {"CCAccountRef": {"value": card}},
                                     "Line": [{"Amount": 1, "LinkedTxn": [{"TxnId": created["Id"],
                                                                           "TxnType": "Bill"}]}]})
    assert again.status_code == 400 and "open balance" in fault(again)[1]


def test_a_purchase_is_paid_from_the_account_its_payment_type_needs(api):
    data = {key: value for key, value in bill(api).items() if key not in {"VendorRef", "DueDate"}}
    bank = api.ids("Account", "AccountType = 'Bank'")[0]

    made = api.post("purchase", {**data, "PaymentType": "Cash", "AccountRef": {"value": bank},
                                 "EntityRef": {"type": "Vendor", "value": bill(api)["VendorRef"]["value"]}})

    assert made.status_code == 200 and made.json()["Purchase"]["TotalAmt"] == 54.0
    card = api.post("purchase", {**data, "PaymentType": "CreditCard", "AccountRef": {"value": bank}})
    assert card.status_code == 400 and fault(card)[0] == "6000"


def test_the_realms_minute_limit_answers_429(api, settings):
    settings.QBO_SANDBOX_CALLS_PER_MINUTE = 2
    settings.QBO_SANDBOX_TIME_SCALE = 1000  # windows of about 17 hours: none ends mid-test

    answers = [api.get(f"companyinfo/{api.realm_id}").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
