"""Publishing throughput against the Xero sandbox at a scaled rate limit, with and without faults.

N approved bill requests (each with its original document and audit report to attach) are
published for one tenant by the real publisher (`tenant_publish`, what the `xero.publish_tenant`
task runs), retried as the task would be after a transient failure. The sandbox enforces Xero's
limits (60 calls a minute, 5 in flight) with minutes shrunk by TIME_SCALE; the client's budget
uses the same scale. Printed: bills per (scaled) minute against the ceiling (calls per minute ÷
calls needed per bill, `(ceil(N/50) + 2N) / N`) in the steady state (whole windows after the
first and before the last, so that a run that starts on a fresh window cannot count two windows'
calls in one; a window without a PUT /Invoices in it holds 30 bills, so the ratio stays at or
under 1.02), the ratio to it, calls per bill, 429s received,
and duplicates found (must be 0). The faulted run arms 5xx answers, lost answers and a slow
answer on every kind of call, with Xero's idempotency window set to zero so that only the
publisher's own reconciliation can prevent duplicates.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/publish_bench.py [N] [TIME_SCALE]

It creates (and drops) the test database of DATABASE_URL, as the test suite does: do not run both
at once against the same DATABASE_URL.
"""

import logging
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvalmax.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from bench.live import recording, start_server, stop_server, wait_for_a_fresh_window  # noqa: E402
from approvalmax.demo.data import ADMINISTRATOR, PASSWORD, demo_organisation_load  # noqa: E402
from approvalmax.demo.web_client import WebClient  # noqa: E402
from tests.builders import pdf_document  # noqa: E402
from tests.xero_integration.helpers import synced_bill_content  # noqa: E402
from workflows import services as workflow_services  # noqa: E402
from workflows.models import ApprovalRequest  # noqa: E402
from xero_integration import client as xero_client  # noqa: E402
from approvalmax.core.ratebudget import TurnEnded  # noqa: E402
from xero_integration.exceptions import XeroRateLimited, XeroUnavailable  # noqa: E402
from xero_integration.sandbox import models as sandbox  # noqa: E402
from xero_integration.sandbox.faults import fault_arm  # noqa: E402
from xero_integration.services.publishing import BATCH_SIZE, tenant_publish  # noqa: E402
from xero_integration.services.sync import master_data_sync  # noqa: E402

CALLS_PER_MINUTE = 60
MINUTE = 60.0


def _xero_settings(base: str, scale: float) -> dict:
    sandbox_base = f"{base}/sandbox/xero"
    return {
        "PUBLIC_BASE_URL": base, "XERO_AUTHORIZE_URL": f"{sandbox_base}/identity/connect/authorize",
        "XERO_TOKEN_URL": f"{sandbox_base}/identity/connect/token",
        "XERO_REVOKE_URL": f"{sandbox_base}/identity/connect/revocation",
        "XERO_CONNECTIONS_URL": f"{sandbox_base}/connections", "XERO_API_URL": f"{sandbox_base}/api.xro/2.0",
        "XERO_CLIENT_ID": "sandbox-client", "XERO_CLIENT_SECRET": "sandbox-secret",
        "XERO_SANDBOX_TIME_SCALE": scale, "XERO_RATE_TIME_SCALE": scale,
        "XERO_SANDBOX_CALLS_PER_MINUTE": CALLS_PER_MINUTE, "XERO_CALLS_PER_MINUTE": CALLS_PER_MINUTE,
        "XERO_HTTP_TIMEOUT": 5.0,
    }


def _approved_requests(organisation, count: int, tag: str) -> None:
    for n in range(count):
        request = workflow_services.request_create(
            organisation=organisation, document=pdf_document(f"{tag}-{n}.pdf"),
            content=synced_bill_content(organisation, invoice_number=f"{tag}-{n}", source_reference=f"{tag}-{n}"))
        ApprovalRequest.objects.filter(pk=request.pk).update(state=ApprovalRequest.State.APPROVED)


def _arm_faults(count: int) -> int:
    """Per 100 bills (about 200 calls): a 5xx and a lost answer on creating bills, two of each on
    uploading attachments, a slow answer and a 5xx on looking bills up. Returns how many."""
    per_hundred = max(1, round(count / 100))
    armed = [
        ("PUT", "/api.xro/2.0/invoices", sandbox.Fault.Kind.ERROR, 1),
        ("PUT", "/api.xro/2.0/invoices", sandbox.Fault.Kind.LOST_ANSWER, 1),
        ("PUT", "/attachments/", sandbox.Fault.Kind.ERROR, 2),
        ("PUT", "/attachments/", sandbox.Fault.Kind.LOST_ANSWER, 2),
        ("PUT", "/attachments/", sandbox.Fault.Kind.SLOW, 1),
        ("GET", "/api.xro/2.0/invoices", sandbox.Fault.Kind.ERROR, 1),
    ]
    for method, path, kind, times in armed:
        fault_arm(kind=kind, method=method, path_contains=path, times=times * per_hundred, delay=0.5)
    return sum(times for *_, times in armed) * per_hundred


def _duplicates(tag: str) -> int:
    bills = sandbox.Invoice.objects.filter(type="ACCPAY", invoice_number__startswith=f"{tag}-")
    per_url = Counter(bills.values_list("url", flat=True))
    extra_bills = sum(count - 1 for count in per_url.values())
    extra_files = sum(1 for bill in bills if bill.attachments.count() != 2)
    return extra_bills + extra_files


def _steady_rate(tag: str, started: float, minute: float) -> float:
    """Bills finished a minute in the steady state: over the whole windows after the first (which
    a run starting on a fresh window gets free) and before the last (cut short when the bills run
    out). A bill is finished when its last attachment arrives. Needs at least three windows."""
    finished = {}
    for invoice_id, created in sandbox.Attachment.objects.filter(
            invoice__type="ACCPAY", invoice__invoice_number__startswith=f"{tag}-").values_list("invoice_id", "created_at"):
        finished[invoice_id] = max(finished.get(invoice_id, created), created)
    windows = Counter(math.floor((at.timestamp() - started) / minute) for at in finished.values())
    steady = range(1, max(windows))
    if not steady:
        raise SystemExit(f"Run {tag} spanned {max(windows) + 1} windows; give it more bills to reach a steady state.")
    return sum(windows[w] for w in steady) / len(steady)


def run(organisation, count: int, scale: float, tag: str, *, faults: bool) -> dict:
    _approved_requests(organisation, count, tag)
    armed = _arm_faults(count) if faults else 0
    with recording(xero_client) as recorder:
        wait_for_a_fresh_window(MINUTE * scale)
        started, wall_start = time.monotonic(), time.time()
        while True:
            try:
                if not tenant_publish(organisation_id=organisation.pk):
                    break
            except TurnEnded:
                continue
            except XeroUnavailable:
                time.sleep(0.05)
            except XeroRateLimited as limited:
                time.sleep(limited.retry_after)
    elapsed = time.monotonic() - started
    published = ApprovalRequest.objects.filter(invoice_number__startswith=f"{tag}-",
                                               state=ApprovalRequest.State.PUBLISHED).count()
    needed = (math.ceil(count / BATCH_SIZE) + 2 * count) / count
    ceiling = CALLS_PER_MINUTE / needed
    per_minute = _steady_rate(tag, wall_start, MINUTE * scale)
    return {"published": published, "per_minute": per_minute, "ceiling": ceiling, "ratio": per_minute / ceiling,
            "calls_per_bill": recorder.calls / count, "needed": needed, "refused": recorder.refused,
            "duplicates": _duplicates(tag), "elapsed": elapsed, "faults": armed}


def _print(label: str, figures: dict, count: int) -> None:
    print(f"{label:<14} {figures['published']:>4}/{count} published   {figures['per_minute']:6.1f} bills/min   "
          f"ceiling {figures['ceiling']:5.1f}   ratio {figures['ratio']:5.2f}   "
          f"calls/bill {figures['calls_per_bill']:.2f} (needed {figures['needed']:.2f})   "
          f"429s {figures['refused']}   duplicates {figures['duplicates']}   faults {figures['faults']}   "
          f"({figures['elapsed']:.1f} s)")


def main(count: int, scale: float) -> None:
    # The injected faults are logged as server errors; the figures are what this prints.
    logging.disable(logging.CRITICAL)
    setup_test_environment()
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    server, base = start_server()
    try:
        with override_settings(**_xero_settings(base, scale), MEDIA_ROOT=str(Path("var/bench-media").resolve())):
            call_command("xero_sandbox_seed", verbosity=0)
            organisation = demo_organisation_load()
            admin = WebClient(base)
            admin.log_in(ADMINISTRATOR.username, PASSWORD)
            admin.connect_xero(organisation.slug)
            master_data_sync(organisation_id=organisation.pk)
            clean = run(organisation, count, scale, "CLEAN", faults=False)
            with override_settings(XERO_SANDBOX_IDEMPOTENCY_SECONDS=0):
                faulty = run(organisation, count, scale, "FAULT", faults=True)
        print(f"Publishing {count} bills (2 attachments each) to the Xero sandbox, {CALLS_PER_MINUTE} calls a "
              f"minute, 1 minute = {MINUTE * scale:.0f} s (scale {scale}), Redis: {bool(settings.REDIS_URL)}")
        _print("no faults", clean, count)
        _print("with faults", faulty, count)
        target_met = all(f["ratio"] >= 0.9 and f["duplicates"] == 0 and f["published"] == count
                         for f in (clean, faulty))
        print("target (≥ 90 % of the ceiling, no duplicates):", "met" if target_met else "NOT met")
    finally:
        stop_server(server)
        connection.creation.destroy_test_db(test_database, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150, float(sys.argv[2]) if len(sys.argv) > 2 else 0.25)
