"""Dext pushes of new bills with a 200 KB PDF, from CLIENTS concurrent clients, through the
production-like stack (bench/stack.py: gunicorn with 4 workers, PostgreSQL, Redis, S3).

Reference, in the same run and with the same clients: a bare view (bench/bare_upload.py) under
gunicorn with as many workers, that takes the same upload, parses the JSON and writes the file to
disk. Also measured, to say what the targets ask of any push answered as INTERFACES.md §3 says:
the floor (bench/push_floor.py), the project's own stack doing only what must precede a 201
(the key, the upload and the item checked, the item against master data, the document kept, one
row committed), nothing routed or written of the request. The three take turns, a batch each per
round. Printed: pushes a second, p50 and p95 of each, their ratios to the reference (targets for
the push: throughput at least 0.5 of the reference's, p95 at most 3x), and the database round
trips of one push (target 12), and of a process's first, before it holds the organisation's
master data and workflow.

    .venv/bin/python bench/dext_push.py [PUSHES] [CLIENTS]
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

PATH = "/api/dext/v1/cost-items/"
LINES = 3
ROUNDS = 6


def big_pdf(size: int = 200_000) -> bytes:
    """A well-formed one-page PDF carrying an uncompressible image of about `size` bytes, as a scan does."""
    import random

    side = int(size ** 0.5)
    pixels = random.Random(7).randbytes(side * side)
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im0 4 0 R>>>>/Contents 5 0 R>>",
        b"<</Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8/Length %d>>"
        b"\nstream\n" % (side, side, len(pixels)) + pixels + b"\nendstream",
    ]
    drawing = zlib.compress(b"q 500 0 0 700 40 70 cm /Im0 Do Q")
    objects.append(b"<</Length %d/Filter/FlateDecode>>\nstream\n" % len(drawing) + drawing + b"\nendstream")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def item(n: int) -> dict:
    line = {"description": "Printer paper", "quantity": "10", "unit_amount": "4.50", "account_code": "429",
            "tax_type": "INPUT2", "tracking": [{"category": "Region", "option": "North"}]}
    return {
        "dext_id": f"CI-{n:07d}", "type": "invoice", "publish_to": "bill",
        "supplier": {"name": "Acme Supplies Ltd", "xero_contact_id": None}, "invoice_number": f"INV-{n}",
        "date": "2026-11-02", "due_date": "2026-12-02", "currency": "GBP", "line_amount_types": "Exclusive",
        "line_items": [line] * LINES, "total": f"{54 * LINES:.2f}", "tax_total": f"{9 * LINES:.2f}",
        "paid": False, "payment_method": {"name": "Company card", "bank_account_code": "090"},
        "owner": {"email": "sam@example.com", "name": "Sam Taylor"},
        "document_url": f"https://app.dext.example/costs/CI-{n:07d}",
    }


def run(url: str, key: str, pdf: bytes, numbers: list[int], clients: int,
        path: str = PATH) -> tuple[float, list[float]]:
    """Push every item, `clients` at a time; the wall time and each push's latency."""
    pending, latencies, failures = list(numbers), [], []
    lock = threading.Lock()

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {key}"
        while True:
            with lock:
                if not pending:
                    return
                n = pending.pop()
            began = time.perf_counter()
            response = session.post(url + path, data={"item": json.dumps(item(n))},
                                    files={"document": (f"INV-{n}.pdf", pdf, "application/pdf")}, timeout=60)
            elapsed = time.perf_counter() - began
            with lock:
                (latencies if response.status_code == 201 else failures).append(
                    elapsed if response.status_code == 201 else (response.status_code, response.text[:200]))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} pushes failed, e.g. {failures[0]}")
    return wall, latencies


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


class Side:
    """One side's rounds: each round's rate, and every push's latency."""

    def __init__(self) -> None:
        self.rates, self.latencies, self.count, self.wall = [], [], 0, 0.0

    def add(self, wall: float, latencies: list[float], count: int) -> None:
        self.rates.append(count / wall)
        self.latencies += latencies
        self.count, self.wall = self.count + count, self.wall + wall

    @property
    def rate(self) -> float:
        return self.count / self.wall

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000

    @property
    def p95(self) -> float:
        return p95(self.latencies) * 1000


def queries_of_one_push(organisation, key: str, pdf: bytes) -> tuple[int, int]:
    """Round trips of a push in this process: its first (nothing held yet) and the next, as a
    gunicorn worker's pushes are once it holds the organisation's master data and workflow."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    counts = []
    for number in (9_999_998, 9_999_999):
        with CaptureQueriesContext(connection) as captured:
            response = client.post(PATH, {"item": json.dumps(item(number)),
                                          "document": SimpleUploadedFile("q.pdf", pdf, "application/pdf")},
                                   format="multipart", SERVER_NAME="127.0.0.1")
        assert response.status_code == 201, response.content
        counts.append(sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]))
    return counts[0], counts[1]


def main(pushes: int, clients: int) -> None:
    # Documents on the local disk, as the reference writes them (S3 in the stack is moto's server on
    # these same two cores, which real object storage is not); BENCH_STORAGE=s3 to include it. Every
    # side writes under one directory of its own, removed at the end (a run writes about 1 GB).
    files = tempfile.mkdtemp(prefix="dext-push-bench-")
    local = {"S3_BUCKET": "", "MEDIA_ROOT": files}
    environment = stack.prepare(**({} if os.environ.get("BENCH_STORAGE") == "s3" else local))
    from django.contrib.auth import get_user_model

    from approvalmax.core.models import Membership, Organisation
    from dext_integration.services import dext_connection_create
    from tests.factories import chart_of_accounts, one_step_workflow

    organisation = Organisation.objects.create(name="Bench Push Ltd", slug="bench-push")
    approver = get_user_model().objects.create_user("approver", "approver@example.com", "x")
    Membership.objects.create(organisation=organisation, user=approver)
    chart_of_accounts(organisation)
    one_step_workflow(organisation, [approver])
    _, key = dext_connection_create(organisation=organisation, account_name="Bench")
    pdf = big_pdf()

    bare_port = stack._free_port()
    bare_url = f"http://127.0.0.1:{bare_port}"
    bare = subprocess.Popen([str(stack.BIN / "gunicorn"), "bare_upload:application", "-w", "4",
                             "-b", f"127.0.0.1:{bare_port}", "--chdir", str(Path(__file__).parent)],
                            env={**os.environ, "BARE_UPLOAD_DIR": files},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    from django.db import connection

    import push_floor

    with connection.cursor() as cursor:
        cursor.execute(push_floor.TABLE_SQL)
    floor_port = stack._free_port()
    floor_url = f"http://127.0.0.1:{floor_port}"
    floor = subprocess.Popen([str(stack.BIN / "gunicorn"), "push_floor:application", "--pythonpath", "bench", "-w", "4",
                              "-b", f"127.0.0.1:{floor_port}"], cwd=stack.ROOT, env={**os.environ, **environment},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    floor_path = "/" + push_floor.PATH
    try:
        with stack.Stack(environment, workers={}, beat=False) as running:
            for url in (bare_url, floor_url):
                for _ in range(100):
                    try:
                        requests.get(url, timeout=2)
                        break
                    except requests.RequestException:
                        time.sleep(0.1)
            warm = list(range(1, 1 + 4 * clients))
            run(running.url, key, pdf, warm, clients)
            run(bare_url, key, pdf, warm, clients)
            run(floor_url, key, pdf, warm, clients, floor_path)
            # In turns, a batch each, the order swapped every round: what else the machine is doing
            # weighs on all three alike.
            ours, reference, least, ratios, floor_ratios = Side(), Side(), Side(), [], []
            per_round = pushes // ROUNDS
            for number in range(ROUNDS):
                numbers = list(range(1000 + number * per_round, 1000 + (number + 1) * per_round))
                turns = [(ours, running.url, PATH), (reference, bare_url, PATH), (least, floor_url, floor_path)]
                for side, url, path in turns if number % 2 == 0 else reversed(turns):
                    side.add(*run(url, key, pdf, numbers, clients, path), len(numbers))
                ratios.append(ours.rates[-1] / reference.rates[-1])
                floor_ratios.append(least.rates[-1] / reference.rates[-1])
            queries = queries_of_one_push(organisation, key, pdf)
    finally:
        for server in (bare, floor):
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(files, ignore_errors=True)
    print(f"{per_round * ROUNDS} pushes of a {len(pdf) // 1000} KB PDF and {LINES} lines, {clients} clients, "
          f"gunicorn 4 workers, in {ROUNDS} rounds taking turns with the reference")
    print(f"  push:      {ours.rate:7.1f}/s  p50 {ours.p50:6.1f} ms  p95 {ours.p95:6.1f} ms"
          f"  ({queries[1]} queries a push; {queries[0]} for a process's first)")
    print(f"  floor:     {least.rate:7.1f}/s  p50 {least.p50:6.1f} ms  p95 {least.p95:6.1f} ms"
          "  (what must precede a 201; nothing routed or written of the request)")
    print(f"  reference: {reference.rate:7.1f}/s  p50 {reference.p50:6.1f} ms  p95 {reference.p95:6.1f} ms")
    print(f"  throughput {statistics.median(ratios):.2f} of the reference's, median of the rounds' "
          f"({min(ratios):.2f}-{max(ratios):.2f}; target 0.5); p95 {ours.p95 / reference.p95:.2f}x (target 3)")
    print(f"  the floor: throughput {statistics.median(floor_ratios):.2f} of the reference's "
          f"({min(floor_ratios):.2f}-{max(floor_ratios):.2f}); p95 {least.p95 / reference.p95:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 400, int(sys.argv[2]) if len(sys.argv) > 2 else 8)
