"""How long a change in Xero takes to reach Dext: from a new supplier in the Xero sandbox to its
appearance in our Dext feed (GET /api/dext/v1/suppliers/) and in the Dext sandbox (pushed).

Runs the real parts on this machine: a throw-away test database, the web server with both
sandboxes on a free port, and a Celery worker on Redis. Each round adds a supplier in the Xero
sandbox, then does what beat does when the incremental check is due (sends
`xero.incremental_master_data_sync`); the reference is the same change picked up by a full sync
(`xero.sync_master_data`, what the daily run does for each organisation), in the same run.
In production add the wait for the next check (the beat entry's interval) to the figures.

    DATABASE_URL=postgres://… CELERY_BROKER_URL=redis://… .venv/bin/python bench/dext_latency.py [rounds]
"""

import logging
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvalmax.settings.test")

import django  # noqa: E402

django.setup()
logging.disable(logging.WARNING)  # the figures, not the narration of every task and request

import requests  # noqa: E402
from celery.contrib.testing.worker import start_worker  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from approvalmax.celery import app as celery_app  # noqa: E402
from bench.live import start_server, stop_server  # noqa: E402
from approvalmax.demo.data import ADMINISTRATOR, PASSWORD, demo_organisation_load  # noqa: E402
from approvalmax.demo.web_client import WebClient  # noqa: E402
from dext_integration.sandbox.models import SandboxMasterData  # noqa: E402
from xero_integration.models import XeroConnection  # noqa: E402

TIMEOUT = 60.0
POLL = 0.02


def _xero_settings(base: str) -> dict:
    sandbox = f"{base}/sandbox/xero"
    return {
        "PUBLIC_BASE_URL": base, "XERO_AUTHORIZE_URL": f"{sandbox}/identity/connect/authorize",
        "XERO_TOKEN_URL": f"{sandbox}/identity/connect/token",
        "XERO_REVOKE_URL": f"{sandbox}/identity/connect/revocation",
        "XERO_CONNECTIONS_URL": f"{sandbox}/connections", "XERO_API_URL": f"{sandbox}/api.xro/2.0",
        "XERO_CLIENT_ID": "sandbox-client", "XERO_CLIENT_SECRET": "sandbox-secret",
        "DEXT_API_URL": f"{base}/sandbox/dext/api",
    }


def _until(predicate, started: float) -> float:
    while time.monotonic() - started < TIMEOUT:
        if predicate():
            return time.monotonic() - started
        time.sleep(POLL)
    raise TimeoutError("the change did not arrive in time")


class Bench:
    def __init__(self, base: str) -> None:
        self.base = base
        call_command("xero_sandbox_seed", verbosity=0)
        self.organisation = demo_organisation_load()
        self.admin = WebClient(base)
        self.admin.log_in(ADMINISTRATOR.username, PASSWORD)
        self.admin.connect_xero(self.organisation.slug)
        settings_page = self.admin.url(f"/dext/{self.organisation.slug}/")
        linked = self.admin.post_form(settings_page, "/link/", {"account_name": "Dext sandbox account"})
        self.key = re.search(r'id="new-key" type="text" readonly value="([^"]+)"', linked.text).group(1)
        dext = WebClient(base)
        dext.log_in(ADMINISTRATOR.username, PASSWORD)  # the stand-in's pages are for members
        dext.post_form(dext.url("/sandbox/dext/"), "/link/",
                       {"name": "Demo Trading Ltd", "base_url": f"{base}/api/dext/v1/", "api_key": self.key})
        self.admin.post_form(settings_page, "/reconnect/")
        _until(lambda: SandboxMasterData.objects.count() == 5, time.monotonic())
        xero = XeroConnection.objects.get(organisation=self.organisation)
        self.xero_headers = {"Authorization": f"Bearer {xero.access_token}", "xero-tenant-id": str(xero.tenant_id),
                             "Accept": "application/json", "Content-Type": "application/json"}

    def add_supplier_in_xero(self, name: str) -> None:
        bill = {"Type": "ACCPAY", "Contact": {"Name": name}, "Date": "2026-11-20", "Status": "DRAFT",
                "LineAmountTypes": "Exclusive",
                "LineItems": [{"Description": "Bench", "Quantity": 1, "UnitAmount": 1, "AccountCode": "429",
                               "TaxType": "INPUT2"}]}
        # The token may have been refreshed by the app; read it fresh.
        xero = XeroConnection.objects.get(organisation=self.organisation)
        self.xero_headers["Authorization"] = f"Bearer {xero.access_token}"
        response = requests.put(f"{settings.XERO_API_URL}/Invoices", json={"Invoices": [bill]},
                                headers=self.xero_headers, timeout=10)
        response.raise_for_status()

    def in_feed(self, name: str) -> bool:
        response = requests.get(f"{self.base}/api/dext/v1/suppliers/", timeout=10,
                                headers={"Authorization": f"Bearer {self.key}"})
        return name in [row["name"] for row in response.json()["results"]]

    @staticmethod
    def in_dext(name: str) -> bool:
        received = SandboxMasterData.objects.filter(name="suppliers").first()
        return received is not None and name in received.names

    def round(self, name: str, pick_up) -> tuple[float, float]:
        started = time.monotonic()
        self.add_supplier_in_xero(name)
        pick_up()
        return _until(lambda: self.in_feed(name), started), _until(lambda: self.in_dext(name), started)


def _summary(label: str, figures: list[tuple[float, float]]) -> tuple[float, float]:
    feed = statistics.median(f for f, _ in figures)
    dext = statistics.median(d for _, d in figures)
    print(f"{label:<34} feed median {feed * 1000:8.0f} ms   Dext median {dext * 1000:8.0f} ms   "
          f"(max {max(d for _, d in figures) * 1000:.0f} ms, {len(figures)} rounds)")
    return feed, dext


def main(rounds: int) -> None:
    setup_test_environment()
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    server, base = start_server()
    try:
        celery_app.control.purge()
        with override_settings(**_xero_settings(base)), start_worker(
                celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            bench = Bench(base)
            organisation_id = bench.organisation.pk
            incremental = [
                bench.round(f"Incremental Supplier {i}",
                            lambda: celery_app.send_task("xero.incremental_master_data_sync"))
                for i in range(rounds)
            ]
            full = [
                bench.round(f"Full Sync Supplier {i}",
                            lambda: celery_app.send_task("xero.sync_master_data", args=[organisation_id]))
                for i in range(rounds)
            ]
        print(f"Xero sandbox change → Dext, {rounds} rounds each, worker on {settings.CELERY_BROKER_URL}")
        feed, dext = _summary("incremental check", incremental)
        ref_feed, ref_dext = _summary("reference: full sync (daily run)", full)
        print(f"ratio incremental / full sync:     feed {feed / ref_feed:.2f}   Dext {dext / ref_dext:.2f}")
        check = celery_app.conf.beat_schedule["xero-incremental-master-data-sync"]["schedule"]
        print(f"in production add the wait for the next incremental check (beat: minute {check._orig_minute}), "
              f"against up to 24 h with the daily run alone")
    finally:
        stop_server(server)
        connection.creation.destroy_test_db(test_database, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
