"""Every request our QuickBooks Online client sends, checked against the rules of QBO_FACTS.md
(there is no official OpenAPI): the minor version, JSON, the realm in the path, `requestid` on
writes, paging from 1 by 1,000, and a Fault read from the body whatever the status."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from quickbooks_integration import client as client_module
from quickbooks_integration.client import QuickBooksAccounting
from quickbooks_integration.exceptions import QuickBooksFault, QuickBooksRateLimited
from quickbooks_integration.sandbox.models import Company
from quickbooks_integration.services.connection import quickbooks_access_token

pytestmark = pytest.mark.django_db(transaction=True)


class Recording(requests.Session):
    def __init__(self):
        super().__init__()
        self.sent: list[requests.PreparedRequest] = []

    def send(self, request, **kwargs):
        self.sent.append(request)
        return super().send(request, **kwargs)


@pytest.fixture
def recorded(quickbooks_connected, settings):
    settings.QBO_SANDBOX_CALLS_PER_SECOND = 1000
    token, _ = quickbooks_access_token(organisation_id=quickbooks_connected.organisation_id)
    session = Recording()
    yield QuickBooksAccounting(access_token=token, realm_id=quickbooks_connected.realm_id, session=session), session
    session.close()


def _query(request) -> dict:
    return {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}


def test_every_call_names_the_realm_the_minor_version_and_json(recorded, quickbooks_connected):
    client, session = recorded
    client.company_info()
    vendor = client.create("Vendor", {"DisplayName": "Contract Co"}, request_id="vendor-contract-1")
    client.query("select * from Vendor")

    for request in session.sent:
        assert urlsplit(request.url).path.startswith(f"/sandbox/quickbooks/v3/company/{quickbooks_connected.realm_id}/")
        assert _query(request)["minorversion"] == "75"
        assert request.headers["Accept"] == "application/json"
        assert request.headers["Authorization"].startswith("Bearer ")
    write = session.sent[1]
    assert write.method == "POST" and write.headers["Content-Type"] == "application/json"
    assert _query(write)["requestid"] == "vendor-contract-1"
    assert json.loads(write.body) == {"DisplayName": "Contract Co"} and vendor["Id"]


def test_a_requestid_longer_than_qbo_takes_is_never_sent(recorded):
    client, session = recorded

    with pytest.raises(ValueError):
        client.create("Vendor", {"DisplayName": "X"}, request_id="r" * 51)
    assert session.sent == []


def test_queries_page_from_one_by_the_page_size(recorded, monkeypatch):
    client, session = recorded
    monkeypatch.setattr(client_module, "PAGE_SIZE", 2)

    vendors = client.query_all("Vendor")

    assert [v["DisplayName"] for v in vendors] == ["Acme Supplies Ltd", "Northern Rail", "Stationery Direct"]
    assert [_query(r)["query"] for r in session.sent] == [
        "select * from Vendor STARTPOSITION 1 MAXRESULTS 2", "select * from Vendor STARTPOSITION 3 MAXRESULTS 2"]


@pytest.mark.parametrize("in_200", [False, True])
def test_a_fault_is_an_error_with_its_code_whatever_the_status(recorded, in_200):
    client, _ = recorded
    Company.objects.update(faults_in_200=in_200)

    with pytest.raises(QuickBooksFault) as refused:
        client.create("Vendor", {"DisplayName": "Acme Supplies Ltd"}, request_id="dup-1")

    assert refused.value.codes == ["6240"] and "Duplicate Name Exists" in refused.value.message


def test_a_429_is_a_rate_limit_with_qbos_wait(recorded):
    client, _ = recorded
    Company.objects.update(injected_faults=["throttle"])

    with pytest.raises(QuickBooksRateLimited) as limited:
        client.create("Vendor", {"DisplayName": "Later Ltd"}, request_id="later-1")

    assert limited.value.retry_after >= 1


def test_an_upload_sends_qbos_two_parts(recorded):
    client, session = recorded
    bill_vendor = client.query("select * from Vendor where DisplayName = 'Acme Supplies Ltd'")["Vendor"][0]
    account = client.query("select * from Account where AcctNum = '429'")["Account"][0]
    code = client.query("select * from TaxCode where Name = '20.0% S'")["TaxCode"][0]
    bill = client.create("Bill", {"VendorRef": {"value": bill_vendor["Id"]}, "Line": [{
        "Amount": 10, "DetailType": "AccountBasedExpenseLineDetail", "AccountBasedExpenseLineDetail": {
            "AccountRef": {"value": account["Id"]}, "TaxCodeRef": {"value": code["Id"]}}}]}, request_id="b-1")

    attachable = client.upload(entity="Bill", entity_id=bill["Id"], filename="INV.pdf",
                               content_type="application/pdf", data=b"%PDF-1.4", request_id="b-1-original")

    assert attachable["FileName"] == "INV.pdf" and attachable["AttachableRef"][0]["EntityRef"]["value"] == bill["Id"]
    body = session.sent[-1].body
    assert b'name="file_metadata_01"' in body and b'name="file_content_01"; filename="INV.pdf"' in body
