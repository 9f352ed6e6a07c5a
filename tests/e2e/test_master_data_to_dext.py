"""Master data reaches Dext without anyone pressing a button: a supplier added in the Xero
sandbox is picked up by the scheduled incremental check and pushed to the Dext sandbox, all
over real HTTP through a real Celery worker on Redis."""

import re
from zoneinfo import ZoneInfo

import pytest
import requests
from django.utils import timezone

from approvalmax.celery import app as celery_app
from approvalmax.demo.data import ADMINISTRATOR, APPROVERS, PASSWORD
from approvalmax.demo.web_client import WebClient
from dext_integration.sandbox.models import SandboxMasterData
from tests.e2e.helpers import wait_for, worker_on_redis
from tests.xero_integration.helpers import SandboxReader

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
NEW_SUPPLIER = "Fresh Fruit Wholesale Ltd"


@pytest.fixture
def celery_worker(connected_organisation):
    with worker_on_redis():
        yield



def beat_sends(entry: str) -> None:
    """What celery beat does when the entry is due: send its task by name."""
    celery_app.send_task(celery_app.conf.beat_schedule[entry]["task"])


def received_suppliers() -> list[str]:
    received = SandboxMasterData.objects.filter(name="suppliers").first()
    return received.names if received else []


def add_supplier_in_xero(settings, organisation, name: str) -> None:
    """A bill from a new contact: Xero creates the contact and flags it as a supplier."""
    xero = SandboxReader(settings, organisation)
    bill = {"Type": "ACCPAY", "Contact": {"Name": name}, "Date": "2026-11-20", "Status": "DRAFT",
            "LineAmountTypes": "Exclusive",
            "LineItems": [{"Description": "Apples", "Quantity": 1, "UnitAmount": 10, "AccountCode": "429",
                           "TaxType": "INPUT2"}]}
    response = requests.put(f"{xero.api}/Invoices", json={"Invoices": [bill]},
                            headers={**xero.headers, "Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 200, response.text


@pytest.fixture
def linked_dext(connected_organisation, celery_worker, xero_sandbox, settings):
    """The organisation's administrator links the Dext sandbox from the settings page, Dext is
    given the key, and "Reconnect" sends it every list. Returns the key and the two browsers."""
    settings.DEXT_API_URL = f"{xero_sandbox.url}/sandbox/dext/api"
    admin = WebClient(xero_sandbox.url)
    admin.log_in(ADMINISTRATOR.username, PASSWORD)
    page = admin.url(f"/dext/{connected_organisation.slug}/")
    linked = admin.post_form(page, "/link/", {"account_name": "Dext sandbox account"})
    assert linked.status_code == 200
    key = re.search(r'id="new-key" type="text" readonly value="([^"]+)"', linked.text).group(1)
    dext = WebClient(xero_sandbox.url)
    dext.log_in(APPROVERS[0].username, PASSWORD)  # the stand-in's pages are for members
    dext.post_form(dext.url("/sandbox/dext/"), "/link/",
                   {"name": "Demo Trading Ltd", "base_url": f"{xero_sandbox.url}/api/dext/v1/", "api_key": key})
    # Linking pushed every list before Dext held the key; "Reconnect" pushes them again now.
    admin.post_form(page, "/reconnect/")
    wait_for(lambda: SandboxMasterData.objects.count() == 5)
    assert NEW_SUPPLIER not in received_suppliers()
    return key, admin, dext


def test_a_supplier_added_in_xero_reaches_the_dext_sandbox_by_itself(
        connected_organisation, linked_dext, settings):
    key, admin, dext = linked_dext

    add_supplier_in_xero(settings, connected_organisation, NEW_SUPPLIER)
    beat_sends("xero-incremental-master-data-sync")

    wait_for(lambda: NEW_SUPPLIER in received_suppliers())
    page = dext.session.get(dext.url("/sandbox/dext/")).text
    assert "Master data last received" in page and NEW_SUPPLIER in page
    feed = dext.session.get(dext.url("/api/dext/v1/suppliers/"), headers={"Authorization": f"Bearer {key}"}).json()
    assert NEW_SUPPLIER in [row["name"] for row in feed["results"]]
    settings_page = admin.session.get(admin.url(f"/dext/{connected_organisation.slug}/")).text
    assert "No, pending" not in settings_page


def test_the_daily_run_at_the_sync_hour_syncs_and_pushes(connected_organisation, linked_dext, settings):
    settings.MASTER_DATA_SYNC_HOUR = timezone.now().astimezone(ZoneInfo(connected_organisation.timezone)).hour
    add_supplier_in_xero(settings, connected_organisation, NEW_SUPPLIER)

    beat_sends("daily-master-data-sync")

    wait_for(lambda: NEW_SUPPLIER in received_suppliers())
