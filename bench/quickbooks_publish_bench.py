"""Publishing throughput against the QuickBooks Online stand-in at a scaled clock, with and without faults.

N approved bill requests (each with its original document and audit report to attach) are
published for one company by the real publisher (`realm_publish`, what the
`quickbooks.publish_realm` task runs), run again as the task would be after a lost answer or a
window spent. The stand-in keeps QBO's limits per realm (calls a minute, 10 a second, 10 in flight)
with its clock scaled by TIME_SCALE; the client's budget uses the same scale and the same minute
limit (CALLS_PER_MINUTE, QBO's 500 by default: this machine serves about 15 calls a second, so
benches run with fewer, and the figure that counts is the ratio). Printed: bills per (scaled)
minute against the ceiling (calls a minute ÷ calls needed per bill: its share of a `/batch` of
30 creates, and its two uploads, `(ceil(N/30) + 2N) / N`) in the steady state (whole windows after the first and before the last), the ratio
to it, calls per bill, 429s received, and duplicates found (must be 0: a marker on two bills, or
a bill without exactly two attachments). The faulted run injects, per 100 bills, 2 failed writes
(5xx, nothing written) and 2 lost answers (written, then a 502) among the creates and uploads.

    DATABASE_URL=postgres://… REDIS_URL=redis://… .venv/bin/python bench/quickbooks_publish_bench.py [N] [TIME_SCALE] [CALLS_PER_MINUTE]

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
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

from approvalmax.core.models import Account, Supplier, TaxRate, TrackingOption  # noqa: E402
from approvalmax.core.ratebudget import TurnEnded  # noqa: E402
from bench.live import recording, start_server, stop_server, wait_for_a_fresh_window  # noqa: E402
from approvalmax.demo.data import ADMINISTRATOR, PASSWORD, demo_services_load  # noqa: E402
from approvalmax.demo.web_client import WebClient  # noqa: E402
from quickbooks_integration import client as qbo_client  # noqa: E402
from quickbooks_integration.exceptions import QuickBooksRateLimited, QuickBooksUnavailable  # noqa: E402
from quickbooks_integration.sandbox.models import Company, Entity  # noqa: E402
from quickbooks_integration.sandbox.seed import company_seed  # noqa: E402
from quickbooks_integration.services.publishing import realm_publish  # noqa: E402
from quickbooks_integration.services.sync import master_data_sync  # noqa: E402
from tests.builders import bill_content, pdf_document  # noqa: E402
from workflows import services as workflow_services  # noqa: E402
from workflows.audit_reports import audit_report_ensure  # noqa: E402
from workflows.models import ApprovalRequest  # noqa: E402

MINUTE = 60.0
BATCH = 30  # bills created per /batch call (QBO_BATCH_MAX)


def _settings(base: str, scale: float, calls_per_minute: int) -> dict:
    sandbox = f"{base}/sandbox/quickbooks"
    return {"PUBLIC_BASE_URL": base, "QBO_AUTHORIZE_URL": f"{sandbox}/connect/oauth2",
            "QBO_TOKEN_URL": f"{sandbox}/oauth2/v1/tokens/bearer", "QBO_REVOKE_URL": f"{sandbox}/v2/oauth2/tokens/revoke",
            "QBO_API_URL": sandbox, "QBO_APP_URL": sandbox, "QBO_CLIENT_ID": "qbo-sandbox-client",
            "QBO_CLIENT_SECRET": "qbo-sandbox-secret", "QBO_SANDBOX_TIME_SCALE": scale, "QBO_RATE_TIME_SCALE": scale,
            "QBO_SANDBOX_CALLS_PER_MINUTE": calls_per_minute, "QBO_CALLS_PER_MINUTE": calls_per_minute,
            "QBO_HTTP_TIMEOUT": 5.0}


def _approved_requests(organisation, count: int, tag: str) -> None:
    mine = {"organisation": organisation, "external_system": "quickbooks"}
    rows = {"general": Account.objects.get(code="429", **mine), "input2": TaxRate.objects.get(name="20.0% S", **mine),
            "north": TrackingOption.objects.get(name="Consulting", category__organisation=organisation),
            "supplier": Supplier.objects.get(name="Acme Supplies Ltd", **mine)}
    approver = get_user_model().objects.get(username="amy")
    for n in range(count):
        request = workflow_services.request_create(
            organisation=organisation, document=pdf_document(f"{tag}-{n}.pdf"),
            content=bill_content(rows, invoice_number=f"{tag}-{n}", source_reference=f"{tag}-{n}"))
        # The bench's bills are alike, so each is a possible duplicate of the one before: say why.
        request = workflow_services.request_approve(request_id=request.pk, user=approver,
                                                    comment="A separate bill of the bench's.")
        audit_report_ensure(request=request)


def _arm_faults(count: int) -> int:
    """Per 100 bills (about 200 writes): 2 failed writes and 2 lost answers, spread through the run."""
    writes = 2 * count
    faults = ["none"] * writes
    per_hundred = max(1, round(count / 100))
    kinds = ["error_500", "lost_answer"] * 2 * per_hundred
    for index, kind in enumerate(kinds):
        faults[(index + 1) * writes // (len(kinds) + 1)] = kind
    Company.objects.update(injected_faults=faults)
    return len(kinds)


def _bills(tag: str) -> list[Entity]:
    return list(Entity.objects.filter(kind="Bill", data__DocNumber__startswith=f"{tag}-"))


def _duplicates(tag: str) -> int:
    bills = _bills(tag)
    per_marker = Counter(bill.data["PrivateNote"] for bill in bills)
    attached = Counter(ref["EntityRef"]["value"] for a in Entity.objects.filter(kind="Attachable")
                       for ref in a.data["AttachableRef"])
    return sum(n - 1 for n in per_marker.values()) + sum(1 for bill in bills if attached[bill.entity_id] != 2)


def _steady_rate(tag: str, started: float, minute: float) -> float:
    """Bills finished a minute over the whole windows after the first and before the last; a bill
    is finished when its last attachment arrives."""
    ids = {bill.entity_id for bill in _bills(tag)}
    finished = {}
    for attachable in Entity.objects.filter(kind="Attachable"):
        bill_id = attachable.data["AttachableRef"][0]["EntityRef"]["value"]
        if bill_id in ids:
            finished[bill_id] = max(finished.get(bill_id, attachable.created_at), attachable.created_at)
    windows = Counter(math.floor((at.timestamp() - started) / minute) for at in finished.values())
    steady = range(1, max(windows))
    if not steady:
        raise SystemExit(f"Run {tag} spanned {max(windows) + 1} windows; give it more bills to reach a steady state.")
    return sum(windows[w] for w in steady) / len(steady)


def run(organisation, count: int, scale: float, calls_per_minute: int, tag: str, *, faults: bool) -> dict:
    _approved_requests(organisation, count, tag)
    armed = _arm_faults(count) if faults else 0
    with recording(qbo_client) as recorder:
        wait_for_a_fresh_window(MINUTE * scale)
        started, wall_start = time.monotonic(), time.time()
        while True:
            try:
                if not realm_publish(organisation_id=organisation.pk):
                    break
            except TurnEnded:
                continue
            except QuickBooksUnavailable:
                time.sleep(0.05)
            except QuickBooksRateLimited as limited:
                time.sleep(limited.retry_after)
        Company.objects.update(injected_faults=[])
    elapsed = time.monotonic() - started
    published = ApprovalRequest.objects.filter(invoice_number__startswith=f"{tag}-",
                                               state=ApprovalRequest.State.PUBLISHED).count()
    needed = (math.ceil(count / BATCH) + 2 * count) / count
    ceiling = calls_per_minute / needed
    per_minute = _steady_rate(tag, wall_start, MINUTE * scale)
    return {"published": published, "per_minute": per_minute, "ceiling": ceiling, "ratio": per_minute / ceiling,
            "calls_per_bill": recorder.calls / count, "needed": needed, "refused": recorder.refused, "duplicates": _duplicates(tag),
            "elapsed": elapsed, "faults": armed}


def _print(label: str, figures: dict, count: int) -> None:
    print(f"{label:<12} {figures['published']:>4}/{count} published   {figures['per_minute']:6.1f} bills/min   "
          f"ceiling {figures['ceiling']:5.1f}   ratio {figures['ratio']:5.2f}   "
          f"calls/bill {figures['calls_per_bill']:.2f} (needed {figures['needed']:.2f})   429s {figures['refused']}   "
          f"duplicates {figures['duplicates']}   faults {figures['faults']}   ({figures['elapsed']:.1f} s)")


def main(count: int, scale: float, calls_per_minute: int) -> None:
    logging.disable(logging.CRITICAL)  # injected faults are logged as server errors; the figures are printed
    setup_test_environment()
    test_database = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    server, base = start_server()
    try:
        with override_settings(**_settings(base, scale, calls_per_minute),
                               MEDIA_ROOT=str(Path("var/bench-media").resolve())):
            company_seed()
            organisation = demo_services_load()
            admin = WebClient(base)
            admin.log_in(ADMINISTRATOR.username, PASSWORD)
            admin.connect_quickbooks(organisation.slug)
            master_data_sync(organisation_id=organisation.pk)
            clean = run(organisation, count, scale, calls_per_minute, "CLEAN", faults=False)
            faulty = run(organisation, count, scale, calls_per_minute, "FAULT", faults=True)
        print(f"Publishing {count} bills (2 attachments each) to the QuickBooks Online stand-in, {calls_per_minute} "
              f"calls a minute, 1 minute = {MINUTE * scale:.0f} s (scale {scale}), Redis: {bool(settings.REDIS_URL)}")
        _print("no faults", clean, count)
        _print("with faults", faulty, count)
        met = all(f["ratio"] >= 0.9 and f["duplicates"] == 0 and f["published"] == count for f in (clean, faulty))
        print("target (≥ 90 % of the ceiling, no duplicates):", "met" if met else "NOT met")
    finally:
        stop_server(server)
        connection.creation.destroy_test_db(test_database, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 150, float(sys.argv[2]) if len(sys.argv) > 2 else 0.25,
         int(sys.argv[3]) if len(sys.argv) > 3 else 120)
