"""The request page of a bill with 200 lines against the same page rendered from memory.

A throw-away test database gets a bill of LINES lines, each with an account, a tax rate and a
tracking option, waiting at a step whose approver may edit every line's description, account,
tax rate and tracking and split it. Measured, median of ROUNDS, for that approver (a form per line)
and for a member who only reads it: the page's time and its queries, against the reference: the
same template and middleware rendering the very context the page built, held in memory, with no
query. The ratio says what reading the request costs over rendering it (target 2). The process
first does what a gunicorn worker does once the project is loaded (`worker_ready`). A page seen
again finds its record (lines, decisions, trail…) held by the process; "first view" drops it
before each round, as a first look or the first after any change of the request would.

    DATABASE_URL=postgres://… .venv/bin/python bench/request_page.py [LINES] [ROUNDS]
"""

import gc
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvalmax.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402

from approvalmax import urls as root_urls  # noqa: E402
from approvalmax.core.process_start import worker_ready  # noqa: E402
from approvalmax.core.versioned_reads import forget_wholes  # noqa: E402
from tests.builders import bill_content, pdf_document  # noqa: E402
from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts, one_step_workflow  # noqa: E402
from workflows import request_page, services  # noqa: E402
from workflows.content import LineContent  # noqa: E402

CAPTURED: dict = {}


@login_required
def bare_page(request):
    return render(request, "workflows/request_detail.html", CAPTURED["context"])


def _capture(client: Client, url: str) -> None:
    original = request_page.render

    def keep(request, template, context, status=200):
        CAPTURED["context"] = context
        return original(request, template, context, status=status)

    request_page.render = keep
    try:
        client.get(url)
    finally:
        request_page.render = original


def _nothing() -> None:
    pass


def _median(client: Client, url: str, rounds: int, before=_nothing) -> tuple[float, int]:
    client.get(url)
    times, count = [], 0
    for _ in range(rounds):
        before()
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
        count = len(queries.captured_queries)
    return statistics.median(times), count


def _bill(lines: int):
    organisation = OrganisationFactory(name="Bench Lines Ltd", slug="bench-lines")
    master = chart_of_accounts(organisation)
    approver = MembershipFactory(organisation=organisation).user
    reader = MembershipFactory(organisation=organisation).user
    workflow = one_step_workflow(organisation, [approver])
    step = workflow.steps.get()
    step.editable_fields = ["description", "account", "tax_rate", "tracking", "split"]
    step.save()
    line = bill_content(master).lines[0]
    content = bill_content(master, lines=[LineContent(**{**line.__dict__, "description": f"Item {n}"})
                                          for n in range(lines)],
                           sub_total=Decimal("45.00") * lines, tax_total=Decimal("9.00") * lines,
                           total=Decimal("54.00") * lines)  # fmt: skip
    request = services.request_create(organisation=organisation, content=content, document=pdf_document())
    return request, approver, reader


def main(lines: int, rounds: int) -> None:
    setup_test_environment()
    real_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    root_urls.urlpatterns.append(path("bench/bare-request/", bare_page))
    try:
        request, approver, reader = _bill(lines)
        url = f"/requests/{request.public_id}/"
        print(f"{'who':>18} {'lines':>6} {'ms':>8} {'ref ms':>8} {'ratio':>6} {'queries':>8}")
        for label, person, before in (("approver", approver, _nothing), ("reader", reader, _nothing),
                                      ("reader, first view", reader, forget_wholes)):
            client = Client()
            client.force_login(person)
            _capture(client, url)
            # As a gunicorn worker does once the project is loaded (gunicorn.conf.py): what this
            # process holds by now, the reference's context included, lives as long as the run,
            # and is taken out of the garbage collector's passes (after a collection of its own).
            gc.collect()
            worker_ready()
            reference, _ = _median(client, "/bench/bare-request/", rounds)
            ours, queries = _median(client, url, rounds, before)
            print(f"{label:>18} {lines:>6} {ours:>8.1f} {reference:>8.1f} {ours / reference:>6.2f} {queries:>8}")
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    main(*(arguments + [200, 9][len(arguments):]))
