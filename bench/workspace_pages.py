"""The approver's workspace at 100, 1,000 and 10,000 requests in one organisation (about 50 of them
waiting for the approver), through gunicorn on PostgreSQL: the inbox, the request list with a
search, and the request page of a bill with 200 lines. For each: p50 and p95 of ROUNDS requests
(target p95 ≤ 100 ms), the queries the page makes (counted in this process with Django's test
client on the same database; target at most 15, the same at every size), and the ratio to the
reference: the very bytes of that page, captured, served by a bare Django app under the same
gunicorn (bench/bare_page.py).

    BENCH_DATABASE=… BENCH_REDIS_DATABASES=8,9 .venv/bin/python bench/workspace_pages.py [100 1000 10000] [ROUNDS]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import BIN, ROOT, Stack, _free_port, prepare  # noqa: E402

SIZES = [100, 1000, 10_000]
WAITING = 50
LINES = 200


def _seed(organisation, step, user, master, have: int, n: int) -> None:
    from django.db import connection

    from workflows.models import ApprovalRequest, Assignment, RequestLine

    State = ApprovalRequest.State
    rows = [ApprovalRequest(
        organisation=organisation, workflow=step.workflow, state=State.PUBLISHED, supplier_name=f"Supplier {i % 97}",
        invoice_number=f"INV-{i:06}", date=date(2026, 1, 1) + timedelta(days=i % 300), currency="GBP",
        tax_treatment="exclusive", sub_total=Decimal("100.00"), tax_total=Decimal("20.00"), total=Decimal("120.00"),
        source_system="dext", source_reference=f"CI-{i}") for i in range(have, n)]  # fmt: skip
    created = ApprovalRequest.objects.bulk_create(rows, batch_size=5000)
    RequestLine.objects.bulk_create((RequestLine(
        request=r, revision=1, position=1, description="Stationery", quantity=1, unit_amount=Decimal("100.00"),
        account=master["general"], tax_rate=master["input2"], line_amount=Decimal("100.00"),
        tax_amount=Decimal("20.00"), net_amount=Decimal("100.00"), month=r.date.replace(day=1), counts_as="spent")
        for r in created), batch_size=5000)  # fmt: skip
    # About WAITING of them wait for the approver, whatever the size.
    waiting = ApprovalRequest.objects.filter(organisation=organisation, state=State.ON_APPROVAL).count()
    wanted = [r.pk for r in created[: max(0, WAITING - waiting)]]
    ApprovalRequest.objects.filter(pk__in=wanted).update(state=State.ON_APPROVAL, current_step=step)
    Assignment.objects.bulk_create(Assignment(request_id=pk, revision=1, step=step, approver=user) for pk in wanted)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _big_bill(organisation, master):
    from tests.builders import bill_content, pdf_document
    from workflows import services
    from workflows.content import LineContent

    line = LineContent(description="Printer paper", quantity=Decimal("1"), unit_amount=Decimal("4.50"),
                       account=master["general"], tax_rate=master["input2"], line_amount=Decimal("4.50"),
                       tax_amount=Decimal("0.90"), tracking=[master["north"]])
    content = bill_content(master, lines=[line] * LINES, sub_total=Decimal("900.00"), tax_total=Decimal("180.00"),
                           total=Decimal("1080.00"), source_reference="BIG", invoice_number="BIG-200")
    return services.request_create(organisation=organisation, content=content, document=pdf_document())


def _session(url: str, username: str) -> requests.Session:
    import re

    session = requests.Session()
    page = session.get(f"{url}/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{url}/login/", data={"csrfmiddlewaretoken": token, "username": username,
                                                 "password": "pass-word-123"}, headers={"Referer": f"{url}/login/"})
    assert answer.ok and "Log out" in answer.text, answer.text[:500]
    return session


def _times(session: requests.Session, url: str, rounds: int) -> tuple[float, float]:
    for _ in range(12):  # every gunicorn worker warmed, whichever serves the next request
        assert session.get(url).status_code == 200
    times = []
    for _ in range(rounds):
        began = time.perf_counter()
        response = session.get(url)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return statistics.median(times), statistics.quantiles(times, n=20)[-1]


def _queries(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def main(sizes: list[int], rounds: int) -> None:
    env = prepare()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts, one_step_workflow

    setup_test_environment()
    organisation = OrganisationFactory(name="Bench Workspace Ltd", slug="bench-workspace")
    master = chart_of_accounts(organisation)
    approver = MembershipFactory(organisation=organisation).user
    step = one_step_workflow(organisation, [approver]).steps.get()
    client = Client()
    client.force_login(approver)
    captured = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    bare_port = _free_port()
    bare = subprocess.Popen([str(BIN / "gunicorn"), "bare_page:application", "-w", "4", "-b", f"127.0.0.1:{bare_port}"],
                            cwd=ROOT / "bench", env={**os.environ, "BARE_PAGE_DIR": str(captured)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    have = 1
    try:
        with Stack(env, workers={}, beat=False) as stack:
            bill = _big_bill(organisation, master)  # its document goes to the stack's object storage
            pages = {"inbox": "/requests/awaiting/", "search": "/requests/?q=Supplier+7&sort=newest",
                     "request": f"/requests/{bill.public_id}/"}
            session = _session(stack.url, approver.username)
            print(f"{'requests':>9} {'page':>8} {'p50 ms':>8} {'p95 ms':>8} {'ref p95':>8} {'ratio':>6} {'queries':>8}")
            for n in sizes:
                _seed(organisation, step, approver, master, have, n)
                have = n
                for name, path in pages.items():
                    (captured / f"{name}.html").write_text(session.get(stack.url + path).text)
                    p50, p95 = _times(session, stack.url + path, rounds)
                    _, reference = _times(requests.Session(), f"http://127.0.0.1:{bare_port}/{name}/", rounds)
                    print(f"{n:>9} {name:>8} {p50:>8.1f} {p95:>8.1f} {reference:>8.1f} {p95 / reference:>6.2f} "
                          f"{_queries(client, path):>8}")
    finally:
        os.killpg(bare.pid, 15)


if __name__ == "__main__":
    numbers = [int(a) for a in sys.argv[1:]]
    main(numbers[:-1] if len(numbers) > 1 else SIZES, numbers[-1] if numbers else 40)
