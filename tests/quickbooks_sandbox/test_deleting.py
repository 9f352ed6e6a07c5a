"""Deleting a transaction, as QBO does: `?operation=delete` with the current SyncToken, or the
Delete button of the stand-in's bill page. A deleted bill leaves reads and queries; change data
capture still answers it, with `status: Deleted`."""

from datetime import timedelta

from django.utils import timezone

from tests.quickbooks_sandbox.conftest import bill, csrf_token


def _created(api) -> dict:
    answer = api.post("bill", bill(api))
    assert answer.status_code == 200, answer.text
    return answer.json()["Bill"]


def test_a_deleted_bill_is_gone_from_reads_and_queries_and_cdc_says_so(api):
    since = timezone.now() - timedelta(minutes=1)
    created = _created(api)

    answer = api.post("bill", {"Id": created["Id"], "SyncToken": created["SyncToken"]}, operation="delete")

    assert answer.status_code == 200, answer.text
    assert answer.json()["Bill"] == {"Id": created["Id"], "status": "Deleted", "domain": "QBO"} | {
        "MetaData": answer.json()["Bill"]["MetaData"]}
    assert api.get(f"bill/{created['Id']}").json()["Fault"]["Error"][0]["code"] == "610"
    assert api.ids("Bill", "DocNumber = 'INV-4411'") == []
    [changed] = api.get("cdc", entities="Bill", changedSince=since.isoformat()).json()["CDCResponse"][0][
        "QueryResponse"][0]["Bill"]
    assert (changed["Id"], changed["status"]) == (created["Id"], "Deleted")


def test_a_stale_sync_token_or_a_deleted_bill_cannot_be_deleted(api):
    created = _created(api)

    stale = api.post("bill", {"Id": created["Id"], "SyncToken": "7"}, operation="delete")
    assert stale.json()["Fault"]["Error"][0]["code"] == "5010"
    assert api.post("bill", {"Id": created["Id"], "SyncToken": "0"}, operation="delete").status_code == 200
    again = api.post("bill", {"Id": created["Id"], "SyncToken": "0"}, operation="delete")
    assert again.json()["Fault"]["Error"][0]["code"] == "610"


def test_names_are_made_inactive_not_deleted(api):
    vendor = api.ids("Vendor", "DisplayName = 'Acme Supplies Ltd'")[0]

    answer = api.post("vendor", {"Id": vendor, "SyncToken": "0"}, operation="delete")

    assert answer.json()["Fault"]["Error"][0]["Message"] == "Unsupported Operation"
    assert api.ids("Vendor", "DisplayName = 'Acme Supplies Ltd'") == [vendor]


def test_the_bill_page_deletes_it_for_a_member(api, sandbox):
    created = _created(api)
    page = sandbox.session.get(f"{sandbox.base}/app/bill", params={"txnId": created["Id"]})
    assert "Delete this bill" in page.text

    answer = sandbox.session.post(page.url, data={"csrfmiddlewaretoken": csrf_token(page.text)})

    assert answer.status_code == 200 and "deleted" in answer.text
    assert api.ids("Bill", "DocNumber = 'INV-4411'") == []
