import json
import re

import requests

from dext_integration.sandbox.models import SandboxItem
from tests.builders import MINIMAL_PDF, MINIMAL_PNG

from .conftest import API, multipart_parts, publish_data

INDEX = "/sandbox/dext/"


def stored_item(dext_id="CI-000123", supplier="Acme Supplies Ltd", total="54.00", **fields):
    payload = {
        "dext_id": dext_id,
        "type": "invoice",
        "publish_to": "bill",
        "supplier": {"name": supplier, "xero_contact_id": None},
        "invoice_number": "INV-4411",
        "date": "2026-11-02",
        "due_date": None,
        "currency": "GBP",
        "line_amount_types": "Exclusive",
        "line_items": [
            {"description": "Printer paper", "quantity": "10", "unit_amount": "4.50", "account_code": "429",
             "tax_type": "INPUT2", "tracking": [{"category": "Region", "option": "North"}]}
        ],
        "total": total,
        "tax_total": "9.00",
        "paid": False,
        "owner": None,
        "document_url": f"http://127.0.0.1:8000/sandbox/dext/items/{dext_id}/",
    }
    values = {
        "payload": payload,
        "document": MINIMAL_PDF,
        "document_name": "INV-4411.pdf",
        "document_content_type": "application/pdf",
        **fields,
    }
    return SandboxItem.objects.create(dext_id=dext_id, **values)


def status_body(dext_id, status, **fields):
    return {"id": 1, "dext_id": dext_id, "status": status, "revision": 1, "xero_invoice_id": None,
            "xero_url": None, "rejection": None, "url": f"http://127.0.0.1:8000/requests/{dext_id}/", **fields}


def test_the_list_shows_each_items_status_as_read_from_the_api(client, link, api):
    stored_item("CI-000001", supplier="Acme Supplies Ltd", total="54.00")
    stored_item("CI-000002", supplier="Paper & Co", total="12.00")
    stored_item("CI-000003", supplier="Never Accepted Ltd")
    api.get(API + "cost-items/CI-000001/", json=status_body(
        "CI-000001", "rejected",
        rejection={"by": "Alex Approver", "at": "2026-11-03T10:00:00Z", "comment": "Wrong <cost> centre"},
    ))
    api.get(API + "cost-items/CI-000002/", json=status_body(
        "CI-000002", "published", accounting_system="xero",
        external_url="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=abc",
    ))
    api.get(API + "cost-items/CI-000003/", status=404, json={"error": {"code": "not_found", "message": "No."}})

    page = client.get(INDEX).content.decode()

    assert "Rejected" in page
    assert "Alex Approver: Wrong &lt;cost&gt; centre" in page
    assert "Published to Xero" in page
    assert '<a href="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=abc">In Xero</a>' in page
    assert '<a href="http://127.0.0.1:8000/requests/CI-000001/">Request in ApprovalMax</a>' in page
    assert "Paper &amp; Co" in page and "12.00 GBP" in page
    assert "not in ApprovalMax" in page
    assert [call.request.headers["Authorization"] for call in api.calls] == [f"Bearer {link.api_key}"] * 3


def test_an_unreachable_api_marks_every_status_unknown_after_one_try(client, link, api):
    for number in range(3):
        stored_item(f"CI-00000{number}")
    api.get(API + "cost-items/CI-000002/", body=requests.ConnectTimeout("no route"))

    page = client.get(INDEX).content.decode()

    assert page.count("unknown (API unreachable)") == 3
    assert len(api.calls) == 1


def test_only_the_fifty_newest_items_are_listed_and_asked_about(client, link, api):
    for number in range(52):
        stored_item(f"CI-{number:06d}")
    api.get(
        re.compile(re.escape(API) + r"cost-items/CI-\d+/"),
        status=404, json={"error": {"code": "not_found", "message": "No."}},
    )

    page = client.get(INDEX).content.decode()

    assert len(api.calls) == 50
    assert "CI-000051" in page and "CI-000002" in page
    assert "CI-000001" not in page and "CI-000000" not in page


def test_without_a_link_statuses_are_not_asked_for(db, client, api):
    stored_item()

    page = client.get(INDEX).content.decode()

    assert "unknown (no linked organisation)" in page
    assert len(api.calls) == 0


def test_republish_posts_the_stored_item_and_document_again(client, link, api):
    item = stored_item()
    api.post(API + "cost-items/", status=200, json={"id": 4, "dext_id": "CI-000123", "status": "on_approval",
                                                      "url": "http://127.0.0.1:8000/requests/4/"})
    api.get(API + "cost-items/CI-000123/", json=status_body("CI-000123", "on_approval"))

    response = client.post("/sandbox/dext/items/CI-000123/republish/")

    assert response.status_code == 302
    parts = multipart_parts(api.calls[0].request)
    assert json.loads(parts["item"][2]) == item.payload
    assert parts["document"] == ("INV-4411.pdf", "application/pdf", MINIMAL_PDF)
    page = client.get(response["Location"]).content.decode()
    assert "Success: HTTP 200 OK." in page
    assert "nothing new was created" in page


def test_withdraw_deletes_the_item_in_our_api(client, link, api):
    stored_item()
    api.delete(API + "cost-items/CI-000123/", status=204)
    api.get(API + "cost-items/CI-000123/", json=status_body("CI-000123", "cancelled"))

    response = client.post("/sandbox/dext/items/CI-000123/withdraw/", follow=True)

    assert api.calls[0].request.method == "DELETE"
    page = response.content.decode()
    assert "Success: HTTP 204 No Content." in page
    assert "Cancelled" in page


def test_a_refused_withdrawal_shows_why(client, link, api):
    stored_item()
    api.delete(API + "cost-items/CI-000123/", status=409, json={
        "error": {"code": "conflict", "message": "The request is approved and can no longer change.", "fields": {}}
    })

    page = client.post("/sandbox/dext/items/CI-000123/withdraw/", follow=True).content.decode()

    assert "Refused: HTTP 409 Conflict." in page
    assert "The request is approved and can no longer change." in page


def test_republishing_while_the_api_is_down_says_so(client, link, api):
    stored_item()

    response = client.post("/sandbox/dext/items/CI-000123/republish/", follow=True)

    assert response.status_code == 200
    assert "Could not reach ApprovalMax for CI-000123" in response.content.decode()


def test_item_actions_are_post_only(client, link):
    stored_item()

    assert client.get("/sandbox/dext/items/CI-000123/republish/").status_code == 405
    assert client.get("/sandbox/dext/items/CI-000123/withdraw/").status_code == 405


def test_the_list_offers_csrf_protected_forms_for_each_action(client, link, api):
    stored_item()

    page = client.get(INDEX).content.decode()

    assert 'action="/sandbox/dext/items/CI-000123/republish/"' in page
    assert 'action="/sandbox/dext/items/CI-000123/withdraw/"' in page
    assert page.count('name="csrfmiddlewaretoken"') >= 4


def test_editing_prefills_the_form_and_republishes_the_change(client, link, api):
    stored_item()
    api.post(API + "cost-items/", status=201, json={"id": 5, "dext_id": "CI-000123", "status": "on_approval",
                                                      "url": "http://127.0.0.1:8000/requests/5/"})

    form_page = client.get("/sandbox/dext/items/CI-000123/edit/").content.decode()
    assert 'name="supplier_name" value="Acme Supplies Ltd"' in form_page
    assert 'name="lines-0-tracking_region" value="North"' in form_page
    assert "Leave empty to keep the stored document “INV-4411.pdf”." in form_page

    response = client.post(
        "/sandbox/dext/items/CI-000123/edit/",
        publish_data(dext_id="ignored", supplier_name="Acme Supplies Limited", invoice_number="INV-4411-A"),
    )

    assert response.status_code == 302
    parts = multipart_parts(api.calls[0].request)
    sent = json.loads(parts["item"][2])
    assert sent["dext_id"] == "CI-000123"
    assert (sent["supplier"]["name"], sent["invoice_number"]) == ("Acme Supplies Limited", "INV-4411-A")
    assert parts["document"][2] == MINIMAL_PDF
    assert SandboxItem.objects.get().payload["supplier"]["name"] == "Acme Supplies Limited"


def test_a_refused_edit_stays_on_the_edit_page_with_the_answer(client, link, api):
    stored_item()
    api.post(API + "cost-items/", status=409, json={"error": {"code": "conflict", "message": "Already approved."}})

    response = client.post("/sandbox/dext/items/CI-000123/edit/", publish_data(supplier_name="Changed Ltd"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Refused: HTTP 409 Conflict." in page and "Already approved." in page
    assert 'name="supplier_name" value="Changed Ltd"' in page


def test_the_item_page_shows_the_extracted_data_and_the_document(client, db):
    stored_item(supplier="Acme <Supplies>")

    page = client.get("/sandbox/dext/items/CI-000123/").content.decode()

    assert "Dext sandbox" in page
    assert "Acme &lt;Supplies&gt;" in page
    assert "Printer paper" in page and "Region: North" in page
    assert 'data="/sandbox/dext/items/CI-000123/document/"' in page


def test_the_document_is_served_as_uploaded(client, db):
    stored_item(document=MINIMAL_PNG, document_name="receipt.png", document_content_type="image/png")

    response = client.get("/sandbox/dext/items/CI-000123/document/")

    assert response.content == MINIMAL_PNG
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"


def test_a_document_of_another_kind_is_only_offered_for_download(client, db):
    stored_item(document=b"<script>alert(1)</script>", document_name="x.html", document_content_type="text/html")

    response = client.get("/sandbox/dext/items/CI-000123/document/")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_an_unknown_item_is_not_found(client, db):
    assert client.get("/sandbox/dext/items/CI-999999/").status_code == 404
