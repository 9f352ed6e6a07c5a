"""The Dext sandbox receives the master data ApprovalMax pushes, and shows it."""

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from dext_integration.sandbox.models import SandboxMasterData
from tests.dext_sandbox.conftest import API_KEY

pytestmark = pytest.mark.django_db
URL = "/sandbox/dext/api/master-data/suppliers/"
BODY = {"list": "suppliers", "results": [{"id": None, "name": "Brand New Stationers"}], "next": None,
        "synced_at": None, "version": "abc"}


def signed(body: bytes, key: str = API_KEY, timestamp: int | None = None) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    secret = hashlib.sha256(key.encode()).hexdigest().encode()
    digest = hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"HTTP_X_APPROVALMAX_TIMESTAMP": stamp, "HTTP_X_APPROVALMAX_SIGNATURE": f"v1={digest}"}


def put(body=BODY, url=URL, **headers):
    data = json.dumps(body).encode()
    return Client().put(url, data, content_type="application/json", **(headers or signed(data)))


def test_a_signed_list_is_stored_and_shown(link, client):
    response = put()

    assert response.status_code == 200, response.content
    received = SandboxMasterData.objects.get()
    assert (received.name, received.row_count, received.payload) == ("suppliers", 1, BODY)
    page = client.get("/sandbox/dext/").content.decode()
    assert "Master data last received" in page and "Brand New Stationers" in page


def test_a_list_pushed_again_replaces_the_last_one(link):
    put()
    put({**BODY, "results": [{"id": None, "name": "Other Ltd"}]})

    assert SandboxMasterData.objects.get().names == ["Other Ltd"]


def test_a_push_signed_with_another_key_is_refused(link):
    data = json.dumps(BODY).encode()

    response = put(**signed(data, key="amxd_someone-elses-key"))

    assert response.status_code == 401
    assert not SandboxMasterData.objects.exists()


def test_an_old_push_is_refused(link):
    data = json.dumps(BODY).encode()

    assert put(**signed(data, timestamp=int(time.time()) - 3600)).status_code == 401


def test_without_a_link_nothing_is_accepted(db):
    assert put().status_code == 401


def test_an_unknown_list_is_a_404(link):
    assert put(url="/sandbox/dext/api/master-data/widgets/").status_code == 404


def test_only_put_is_accepted(link):
    assert Client().post(URL, {}).status_code == 405


def test_each_linked_organisation_keeps_its_own_lists_found_by_the_keys_prefix(link, client):
    from dext_integration.sandbox.services import link_save

    other_key = "amxd_services-key-0123456789"
    other, _ = link_save(name="Demo Services Ltd", base_url=link.base_url, api_key=other_key)
    data = json.dumps({**BODY, "results": [{"id": "56", "name": "QuickBooks Vendor"}]}).encode()

    mine = put(**signed(json.dumps(BODY).encode()), HTTP_X_APPROVALMAX_KEY=API_KEY[:9])
    theirs = Client().put(URL, data, content_type="application/json", **signed(data, key=other_key),
                          HTTP_X_APPROVALMAX_KEY=other_key[:9])

    assert mine.status_code == theirs.status_code == 200
    assert SandboxMasterData.objects.get(link=link).names == ["Brand New Stationers"]
    assert SandboxMasterData.objects.get(link=other).names == ["QuickBooks Vendor"]
    page = client.get("/sandbox/dext/").content.decode()  # the organisation published to now: the last linked
    assert "QuickBooks Vendor" in page and "Brand New Stationers" not in page
