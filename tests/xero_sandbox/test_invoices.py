import calendar
from datetime import date

import pytest

from tests.xero_sandbox.conftest import bill, line
from xero_integration.sandbox.models import Contact, Invoice, Organisation, TrackingCategory, TrackingOption

pytestmark = pytest.mark.django_db(transaction=True)


def _ms(day: date) -> str:
    return f"/Date({calendar.timegm(day.timetuple()) * 1000}+0000)/"


def _one(api, invoice: dict, **params) -> dict:
    answer = api.put("Invoices", {"Invoices": [invoice]}, summarizeErrors="false", **params)
    assert answer.status_code == 200, answer.text
    [element] = answer.json()["Invoices"]
    return element


def _errors(api, invoice: dict) -> list[str]:
    element = _one(api, invoice)
    assert element["StatusAttributeString"] == "ERROR", element
    return [error["Message"] for error in element["ValidationErrors"]]


def test_a_bill_is_created_with_xeros_totals_and_shapes(api, tenant):
    element = _one(api, bill())
    assert element["StatusAttributeString"] == "OK"
    assert element["Type"] == "ACCPAY" and element["Status"] == "AUTHORISED"
    assert element["InvoiceNumber"] == "INV-4411"
    assert element["SubTotal"] == 45.0 and element["TotalTax"] == 9.0 and element["Total"] == 54.0
    assert element["AmountDue"] == 54.0 and element["AmountPaid"] == 0.0
    assert element["DateString"] == "2026-11-02T00:00:00" and element["Date"] == _ms(date(2026, 11, 2))
    assert element["DueDateString"] == "2026-12-02T00:00:00"
    assert element["LineAmountTypes"] == "Exclusive" and element["CurrencyCode"] == "GBP"
    [line_item] = element["LineItems"]
    assert line_item["LineAmount"] == 45.0 and line_item["TaxAmount"] == 9.0
    assert line_item["AccountCode"] == "429" and line_item["TaxType"] == "INPUT2"
    region = TrackingCategory.objects.get(name="Region")
    north = region.options.get(name="North")
    assert line_item["Tracking"] == [
        {
            "Name": "Region",
            "Option": "North",
            "TrackingCategoryID": str(region.tracking_category_id),
            "TrackingOptionID": str(north.tracking_option_id),
        }
    ]
    acme = Contact.objects.get(name="Acme Supplies Ltd")
    assert element["Contact"]["ContactID"] == str(acme.contact_id)
    assert "/Date(" in element["UpdatedDateUTC"]
    stored = Invoice.objects.get(invoice_id=element["InvoiceID"])
    assert stored.total == 54 and stored.contact == acme


def test_tax_is_rounded_per_line_then_summed(api):
    lines = [line(UnitAmount="0.07") for _ in range(3)]
    element = _one(api, bill(LineItems=lines))
    # 3 × round(0.014) = 0.03, where rounding the sum would give 0.04.
    assert [item["TaxAmount"] for item in element["LineItems"]] == [0.01, 0.01, 0.01]
    assert element["TotalTax"] == 0.03 and element["SubTotal"] == 0.21 and element["Total"] == 0.24


def test_inclusive_amounts_contain_their_tax(api):
    element = _one(api, bill(LineAmountTypes="Inclusive", LineItems=[line(UnitAmount=100)]))
    assert element["LineItems"][0]["TaxAmount"] == 16.67
    assert element["SubTotal"] == 83.33 and element["TotalTax"] == 16.67 and element["Total"] == 100.0


def test_no_tax_lines_carry_none(api):
    element = _one(api, bill(LineAmountTypes="NoTax", LineItems=[line(UnitAmount=100)]))
    assert element["TotalTax"] == 0.0 and element["Total"] == 100.0


def test_line_amount_is_quantity_times_unit_amount_rounded_to_cents(api):
    element = _one(api, bill(LineItems=[line(Quantity=3, UnitAmount="0.3333")]), unitdp=4)
    assert element["LineItems"][0]["UnitAmount"] == 0.3333
    assert element["LineItems"][0]["LineAmount"] == 1.0
    assert element["LineItems"][0]["TaxAmount"] == 0.2


def test_the_tax_type_defaults_to_the_accounts(api):
    element = _one(api, bill(LineItems=[{"Description": "Ads", "Quantity": 1, "UnitAmount": 50, "AccountCode": "400"}]))
    assert element["LineItems"][0]["TaxType"] == "INPUT2" and element["TotalTax"] == 10.0


def test_a_single_invoice_object_is_accepted_as_the_body(api):
    answer = api.put("Invoices", bill())
    assert answer.status_code == 200
    assert len(answer.json()["Invoices"]) == 1
    assert Invoice.objects.count() == 1


def test_a_new_contact_name_creates_the_contact_an_existing_one_is_reused(api, tenant):
    first = _one(api, bill(Contact={"Name": "Brand New Supplier"}))
    second = _one(api, bill(Contact={"Name": "Brand New Supplier"}))
    assert first["Contact"]["ContactID"] == second["Contact"]["ContactID"]
    created = Contact.objects.get(name="Brand New Supplier")
    assert created.is_supplier


def test_summarize_errors_false_answers_each_element(api):
    bad = bill(InvoiceNumber="BAD-1", LineItems=[line(AccountCode="123")])
    answer = api.put("Invoices", {"Invoices": [bill(), bad]}, summarizeErrors="false")
    assert answer.status_code == 200
    good_element, bad_element = answer.json()["Invoices"]
    assert (
        good_element["StatusAttributeString"] == "OK"
        and good_element["InvoiceID"] != "00000000-0000-0000-0000-000000000000"
    )
    assert bad_element["StatusAttributeString"] == "ERROR" and bad_element["HasErrors"] is True
    assert bad_element["InvoiceID"] == "00000000-0000-0000-0000-000000000000"
    assert bad_element["InvoiceNumber"] == "BAD-1"
    assert bad_element["ValidationErrors"] == [{"Message": "Account code '123' is not a valid code for this document."}]
    assert list(Invoice.objects.values_list("invoice_number", flat=True)) == ["INV-4411"]


def test_summarize_errors_by_default_is_a_400_yet_the_good_ones_are_created(api):
    bad = bill(InvoiceNumber="BAD-1", LineItems=[line(AccountCode="123")])
    answer = api.put("Invoices", {"Invoices": [bill(), bad]})
    assert answer.status_code == 400
    body = answer.json()
    assert body["ErrorNumber"] == 10
    assert body["Type"] == "ValidationException"
    assert body["Message"] == "A validation exception occurred"
    [element] = body["Elements"]
    assert element["InvoiceNumber"] == "BAD-1"
    assert element["ValidationErrors"] == [{"Message": "Account code '123' is not a valid code for this document."}]
    # Xero's surprise: the valid bill exists although the answer was a 400.
    assert list(Invoice.objects.values_list("invoice_number", flat=True)) == ["INV-4411"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"Type": "BILL"}, "Invoice Type 'BILL' is not valid; use ACCPAY or ACCREC."),
        ({"Type": None}, "Invoice Type must be specified"),
        ({"Contact": None}, "A Contact must be specified for this type of transaction"),
        ({"Contact": {"Name": ""}}, "A Contact must be specified for this type of transaction"),
        (
            {"Contact": {"ContactID": "5b0cbb58-66d4-4b4f-a1c1-000000000000"}},
            "The contact with ContactID '5b0cbb58-66d4-4b4f-a1c1-000000000000' could not be found.",
        ),
        (
            {"LineAmountTypes": "exclusive"},
            "'exclusive' is not a valid value for LineAmountTypes. Use Exclusive, Inclusive or NoTax.",
        ),
        ({"Status": "PAID"}, "Invoice not of valid status for creation"),
        ({"CurrencyCode": "JPY"}, "Organisation is not subscribed to currency JPY"),
        (
            {"LineItems": [line(AccountCode="999")]},
            "Account code '999' has been archived, or has been deleted. Each line item must reference a valid account.",
        ),
        ({"LineItems": [line(AccountCode="123")]}, "Account code '123' is not a valid code for this document."),
        ({"LineItems": [line(AccountCode="090")]}, "Account code '090' is not a valid code for this document."),
        ({"LineItems": [line(AccountCode=None)]}, "An account code must be specified for each line item."),
        (
            {"LineItems": [line(TaxType="INPUT9")]},
            "The TaxType code 'INPUT9' does not exist or cannot be used for this type of transaction.",
        ),
        (
            {"LineItems": [line(TaxType="OUTPUT2")]},
            "The TaxType code 'OUTPUT2' cannot be used with account code '429'.",
        ),
        ({"LineItems": [line(Description="")]}, "The description field is mandatory for each line item."),
        (
            {"LineItems": [line(LineAmount="11.00")]},
            "The line total 11.00 does not match the expected line total 10.00",
        ),
        ({"LineItems": []}, "At least one line item must be specified"),
        ({"InvoiceNumber": "N" * 256}, "InvoiceNumber must be no longer than 255 characters."),
        ({"Contact": {"Name": "C" * 256}}, "Name must be no longer than 255 characters."),
        ({"CurrencyRate": 0}, "The CurrencyRate must be greater than zero."),
        ({"Url": "javascript:alert(1)"}, "The Url field is not a valid fully-qualified http or https URL."),
        ({"LineItems": [line(Quantity="999999999", UnitAmount="999999")]}, "The line total is too large."),
        (
            {"LineItems": [line(Tracking=[{"Name": "Region", "Option": "Up North"}])]},
            "The TrackingOption 'Up North' is not valid for TrackingCategory 'Region'",
        ),
        (
            {"LineItems": [line(Tracking=[{"Name": "region", "Option": "North"}])]},
            "The TrackingCategory 'region' is not valid",
        ),
        (
            {
                "LineItems": [
                    line(
                        Tracking=[
                            {"Name": "Region", "Option": "North"},
                            {"Name": "Department", "Option": "Sales"},
                            {"Name": "Region", "Option": "South"},
                        ]
                    )
                ]
            },
            "A line item can have at most 2 tracking categories.",
        ),
        (
            {
                "LineItems": [
                    line(Tracking=[{"Name": "Region", "Option": "North"}, {"Name": "Region", "Option": "South"}])
                ]
            },
            "The TrackingCategory 'Region' can only be used once per line item.",
        ),
    ],
)
def test_each_validation_rule(api, overrides, message):
    invoice = {name: value for name, value in bill(**overrides).items() if value is not None}
    assert message in _errors(api, invoice)
    assert Invoice.objects.count() == 0


def test_an_archived_tracking_option_is_not_valid(api):
    TrackingOption.objects.filter(name="West").update(status="ARCHIVED")
    messages = _errors(api, bill(LineItems=[line(Tracking=[{"Name": "Region", "Option": "West"}])]))
    assert messages == ["The TrackingOption 'West' is not valid for TrackingCategory 'Region'"]


def test_an_archived_tracking_category_is_not_valid(api):
    TrackingCategory.objects.filter(name="Department").update(status="ARCHIVED")
    messages = _errors(api, bill(LineItems=[line(Tracking=[{"Name": "Department", "Option": "Sales"}])]))
    assert messages == ["The TrackingCategory 'Department' is not valid"]


def test_the_date_may_not_fall_in_a_locked_period(api, tenant):
    Organisation.objects.filter(pk=tenant.pk).update(period_lock_date=date(2026, 10, 31))
    assert _errors(api, bill(Date="2026-10-15")) == [
        "The document date cannot be before the period lock date, 31 Oct 2026."
    ]
    assert _one(api, bill(Date="2026-11-01"))["StatusAttributeString"] == "OK"


def test_an_archived_contact_cannot_take_a_bill(api):
    contact = Contact.objects.get(name="City Telecom")
    contact.status = "ARCHIVED"
    contact.save()
    messages = _errors(api, bill(Contact={"ContactID": str(contact.contact_id)}))
    assert messages == ["The contact 'City Telecom' has been archived and cannot be used."]


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"Invoices": [{"Type": "ACCPAY", "LineItems": [{"Quantity": "abc"}]}]}',
        b'{"Invoices": [{"Type": "ACCPAY", "LineItems": [{"UnitAmount": 1e13}]}]}',
        b'{"Invoices": [{"Type": "ACCPAY", "Date": "02/11/2026"}]}',
        b'{"Invoices": {"Type": "ACCPAY"}}',
        b"[1, 2]",
    ],
)
def test_a_body_xero_cannot_read_is_post_data_invalid_and_creates_nothing(api, body):
    answer = api.put("Invoices", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["ErrorNumber"] == 14
    assert answer.json()["Type"] == "PostDataInvalidException"
    assert Invoice.objects.count() == 0


def test_one_unreadable_element_fails_the_whole_batch(api):
    unreadable = bill(LineItems=[line(Quantity="many")])
    answer = api.put("Invoices", {"Invoices": [bill(), unreadable]}, summarizeErrors="false")
    assert answer.status_code == 400 and answer.json()["ErrorNumber"] == 14
    assert Invoice.objects.count() == 0


def test_get_invoices_filters_and_pages(api, tenant):
    first = _one(api, bill(InvoiceNumber="A-1"))
    second = _one(api, bill(InvoiceNumber="A-2", Status="DRAFT", Contact={"Name": "Office World"}))
    _one(api, bill(InvoiceNumber="A-3"))

    by_id = api.get("Invoices", IDs=f"{first['InvoiceID']},{second['InvoiceID']}").json()["Invoices"]
    assert {row["InvoiceNumber"] for row in by_id} == {"A-1", "A-2"}
    assert [row["InvoiceNumber"] for row in api.get("Invoices", InvoiceNumbers="A-3").json()["Invoices"]] == ["A-3"]
    assert [row["InvoiceNumber"] for row in api.get("Invoices", Statuses="DRAFT").json()["Invoices"]] == ["A-2"]
    office_world = Contact.objects.get(name="Office World").contact_id
    assert [row["InvoiceNumber"] for row in api.get("Invoices", ContactIDs=str(office_world)).json()["Invoices"]] == [
        "A-2"
    ]

    summary = api.get("Invoices").json()["Invoices"]
    assert len(summary) == 3 and "LineItems" not in summary[0]
    paged = api.get("Invoices", page=1).json()
    assert paged["pagination"]["itemCount"] == 3 and len(paged["Invoices"][0]["LineItems"]) == 1

    [single] = api.get(f"Invoices/{first['InvoiceID']}").json()["Invoices"]
    assert single["InvoiceNumber"] == "A-1" and single["LineItems"][0]["Description"] == "Printer paper"
    assert single["Attachments"] == []
    assert api.get("invoices", InvoiceNumbers="A-1").status_code == 200
    assert api.get("Invoices/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d").status_code == 404


def test_posting_an_invoice_with_its_id_updates_it(api):
    draft = _one(api, bill(Status="DRAFT"))
    answer = api.post(
        f"Invoices/{draft['InvoiceID']}", {"Invoices": [{"Status": "AUTHORISED", "Reference": "ignored"}]}
    )
    assert answer.status_code == 200, answer.text
    [updated] = answer.json()["Invoices"]
    assert updated["InvoiceID"] == draft["InvoiceID"] and updated["Status"] == "AUTHORISED"
    assert updated["Total"] == 54.0 and updated["LineItems"][0]["Tracking"][0]["Option"] == "North"
    assert Invoice.objects.count() == 1
    backwards = api.post("Invoices", {"Invoices": [{"InvoiceID": draft["InvoiceID"], "Status": "DRAFT"}]})
    assert backwards.status_code == 400
    assert backwards.json()["Elements"][0]["ValidationErrors"] == [
        {"Message": "Invoice not of valid status for modification"}
    ]
