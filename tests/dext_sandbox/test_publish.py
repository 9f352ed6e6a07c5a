import json
import re

import pytest
import requests
from django.urls import reverse

from dext_integration.sandbox.models import SandboxItem
from tests.builders import MINIMAL_PDF, MINIMAL_PNG

from .conftest import API, API_KEY, document, multipart_parts, publish_data

INDEX = "/sandbox/dext/"
REQUEST_URL = "http://127.0.0.1:8000/requests/41/"


def accepted(api, status=201, body=None):
    api.post(
        API + "cost-items/",
        status=status,
        json=body or {"id": 41, "dext_id": "CI-000123", "status": "on_approval", "url": REQUEST_URL},
    )


def refused(api, status, error):
    api.post(API + "cost-items/", status=status, json={"error": error})


def sent_item(api):
    filename, content_type, data = multipart_parts(api.calls[0].request)["item"]
    return json.loads(data)


def test_the_page_is_labelled_and_offers_a_fresh_dext_id(db, client):
    page = client.get(INDEX).content.decode()

    assert "<h1>Dext sandbox</h1>" in page
    assert re.search(r'name="dext_id" value="CI-\d{6}"', page)
    assert 'name="lines-4-account_code" value="429"' in page
    assert 'name="bank_account_code" value="090"' in page


def test_publishing_uploads_the_document_and_the_item_with_the_api_key(client, link, api, settings):
    accepted(api)

    response = client.post(INDEX, {**publish_data(), "document": document()})

    assert response.status_code == 302
    assert response["Location"] == "/sandbox/dext/?item=CI-000123#outcome"
    request = api.calls[0].request
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    parts = multipart_parts(request)
    assert parts["document"] == ("INV-4411.pdf", "application/pdf", MINIMAL_PDF)
    assert json.loads(parts["item"][2]) == {
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
        "document_url": f"{settings.PUBLIC_BASE_URL}/sandbox/dext/items/CI-000123/",
    }


def test_success_shows_the_status_and_links_to_the_request(client, link, api):
    accepted(api)
    api.get(API + "cost-items/CI-000123/", json={"dext_id": "CI-000123", "status": "on_approval", "url": REQUEST_URL})

    page = client.post(INDEX, {**publish_data(), "document": document()}, follow=True).content.decode()

    assert "Success: HTTP 201 Created." in page
    assert f'<a href="{REQUEST_URL}">Open the request in ApprovalMax</a>' in page
    assert "On approval" in page


def test_totals_are_computed_per_line_and_tracking_sent_for_each_category(client, link, api):
    accepted(api)
    lines = [
        {"description": "Pens", "quantity": "1", "unit_amount": "0.125", "tracking_department": "Sales"},
        {"description": "Pads", "quantity": "1", "unit_amount": "0.125", "tracking_region": "South",
         "tracking_department": "Ops"},
        {"description": "Stamps", "quantity": "3", "unit_amount": "1.00", "tax_type": "EXEMPTINPUT"},
    ]

    client.post(INDEX, {**publish_data(lines=lines), "document": document()})

    item = sent_item(api)
    assert (item["tax_total"], item["total"]) == ("0.06", "3.32")
    assert [line["tracking"] for line in item["line_items"]] == [
        [{"category": "Department", "option": "Sales"}],
        [{"category": "Region", "option": "South"}, {"category": "Department", "option": "Ops"}],
        [],
    ]


def test_overrides_send_a_deliberate_mismatch(client, link, api):
    accepted(api)

    client.post(INDEX, {**publish_data(total_override="55.00"), "document": document()})

    item = sent_item(api)
    assert (item["tax_total"], item["total"]) == ("9.00", "55.00")


def test_payment_method_is_sent_only_when_named(client, link, api):
    accepted(api)

    client.post(INDEX, {**publish_data(payment_method_name="", paid="on"), "document": document()})

    item = sent_item(api)
    assert "payment_method" not in item
    assert item["paid"] is True


def test_a_refusal_shows_the_status_message_and_fields_and_keeps_the_form(client, link, api):
    refused(api, 422, {
        "code": "invalid_item",
        "message": "The item does not match what was last synced from Xero.",
        "fields": {
            "total": ["Lines give 54.00, not 55.00."],
            "line_items": [{"tax_type": ["Unknown tax type <BOGUS>."]}],
        },
    })

    response = client.post(INDEX, {**publish_data(total_override="55.00"), "document": document()})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Refused: HTTP 422 Unprocessable Content." in page or "Refused: HTTP 422 Unprocessable Entity." in page
    assert "The item does not match what was last synced from Xero." in page
    assert "<code>total</code>: Lines give 54.00, not 55.00." in page
    assert "<code>line_items[0].tax_type</code>: Unknown tax type &lt;BOGUS&gt;." in page
    assert 'name="supplier_name" value="Acme Supplies Ltd"' in page
    assert 'name="lines-0-description" value="Printer paper"' in page
    assert 'name="total_override" value="55.00"' in page
    assert "Leave empty to keep the stored document “INV-4411.pdf”." in page


def test_after_a_refusal_the_kept_document_is_sent_again_with_the_fix(client, link, api):
    refused(api, 422, {"code": "invalid_item", "message": "Totals do not agree.", "fields": {"total": ["x"]}})
    client.post(INDEX, {**publish_data(total_override="55.00"), "document": document()})
    api.reset()
    accepted(api)

    response = client.post(INDEX, publish_data())

    assert response.status_code == 302
    parts = multipart_parts(api.calls[0].request)
    assert parts["document"] == ("INV-4411.pdf", "application/pdf", MINIMAL_PDF)
    assert json.loads(parts["item"][2])["total"] == "54.00"
    assert SandboxItem.objects.get().request_url == REQUEST_URL


def test_an_answer_that_is_not_json_still_shows_its_status(client, link, api):
    api.post(API + "cost-items/", status=413, body="<html>Too big</html>", content_type="text/html")

    page = client.post(INDEX, {**publish_data(), "document": document()}).content.decode()

    assert "Refused: HTTP 413" in page
    assert "The answer was not a JSON error." in page
    assert "<html>Too big" not in page


@pytest.mark.parametrize(
    "failure", [requests.ConnectionError("refused"), requests.ReadTimeout("slow")], ids=["refused", "timeout"]
)
def test_an_unreachable_api_is_reported_not_a_server_error(client, link, api, failure):
    api.post(API + "cost-items/", body=failure)

    response = client.post(INDEX, {**publish_data(), "document": document()})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Error: ApprovalMax could not be reached" in page
    assert f"{API}cost-items/" in page
    assert 'name="supplier_name" value="Acme Supplies Ltd"' in page
    assert SandboxItem.objects.filter(dext_id="CI-000123").exists()


def test_a_malformed_base_url_is_reported_not_a_server_error(client, link, api):
    link.base_url = "http://[::1/api/"
    link.save()

    response = client.post(INDEX, {**publish_data(), "document": document()})

    assert response.status_code == 200
    assert "Error: ApprovalMax could not be reached" in response.content.decode()


def test_without_a_linked_organisation_nothing_is_sent(db, client, api):
    response = client.post(INDEX, {**publish_data(), "document": document()})

    assert "Link an organisation first" in response.content.decode()
    assert len(api.calls) == 0
    assert not SandboxItem.objects.exists()


def test_a_form_without_lines_or_document_is_not_sent(client, link, api):
    page = client.post(INDEX, publish_data(lines=[])).content.decode()

    assert "Fill in at least one line." in page
    assert "Choose the document to upload." in page
    assert len(api.calls) == 0


def test_a_half_filled_line_names_what_is_missing(client, link, api):
    page = client.post(
        INDEX, {**publish_data(lines=[{"description": "Paper", "unit_amount": ""}]), "document": document()}
    ).content.decode()

    assert "Required on a line that is filled in." in page
    assert len(api.calls) == 0


def test_the_document_keeps_its_own_name_and_content_type(client, link, api):
    accepted(api)

    client.post(INDEX, {**publish_data(), "document": document("receipt.png", MINIMAL_PNG, "image/png")})

    assert multipart_parts(api.calls[0].request)["document"] == ("receipt.png", "image/png", MINIMAL_PNG)


def test_bank_transactions_report_the_bypass(client, link, api):
    accepted(api, status=202, body={"id": 7, "dext_id": "CI-000123", "status": "bypassed", "url": REQUEST_URL})
    api.get(API + "cost-items/CI-000123/", status=404, json={"error": {"code": "not_found", "message": "x"}})

    page = client.post(
        INDEX, {**publish_data(publish_to="bank_transaction"), "document": document()}, follow=True
    ).content.decode()

    assert sent_item(api)["publish_to"] == "bank_transaction"
    assert "Success: HTTP 202 Accepted." in page
    assert "bypasses approval" in page


def test_strings_from_the_api_are_escaped(client, link, api):
    refused(api, 400, {"code": "bad", "message": "<script>alert(1)</script>", "fields": {}})

    page = client.post(INDEX, {**publish_data(), "document": document()}).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_outcome_page_url_names_the_item(db, client):
    assert reverse("dext_sandbox:index") == INDEX


def test_an_item_goes_to_the_chosen_organisation_and_its_status_is_asked_there(client, link, api):
    from dext_integration.sandbox.services import link_save

    other_key = "dxk_live_services0000000000000000000"
    services, _ = link_save(name="Demo Services Ltd", base_url=API, api_key=other_key)  # chosen: linked last
    accepted(api)
    client.post(INDEX, {**publish_data(), "document": document()})
    client.post(f"/sandbox/dext/link/{link.pk}/choose/")
    api.get(API + "cost-items/CI-000123/", json={"id": 41, "dext_id": "CI-000123", "status": "published",
                                                 "accounting_system": "quickbooks", "url": REQUEST_URL,
                                                 "external_url": "https://qbo.example/app/bill?txnId=7"})

    page = client.get(INDEX).content.decode()

    assert api.calls[0].request.headers["Authorization"] == f"Bearer {other_key}"
    assert api.calls[-1].request.headers["Authorization"] == f"Bearer {other_key}"  # asked where it went
    assert SandboxItem.objects.get().link == services
    assert "Published to QuickBooks Online" in page and ">In QuickBooks Online</a>" in page


def test_a_credit_note_can_be_sent(client, link, api):
    accepted(api)

    client.post(INDEX, {**publish_data(), "type": "credit_note", "document": document()})

    assert sent_item(api)["type"] == "credit_note"
