"""The request list and the inbox at 10,000 and 100,000 requests against a bare page of the same layout.

A throw-away test database gets N requests of one organisation (bulk inserted), a third of them
waiting at a step assigned to the user; the figures are the median time of the first page, of a
deep page (reached by following "Older requests" or "Later bills" 200 times, or as far as they
go) and its query count, each against the reference: the same template rendered through the
same middleware from 50 rows held in memory, with no query for them, requested in turns with
the page so that the machine's other work weighs on both alike.

    DATABASE_URL=postgres://… .venv/bin/python bench/request_list_pages.py [10000 100000]
"""

import os
import re
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvalmax.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.db import connection  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402

from approvalmax import urls as root_urls  # noqa: E402
from tests.factories import MembershipFactory, OrganisationFactory  # noqa: E402
from workflows.models import ApprovalRequest, Assignment, Workflow, WorkflowStep  # noqa: E402
from workflows.pagination import KeysetPage  # noqa: E402

ROUNDS = 25


@login_required
def bare_list(request):
    """The reference: the list's template and middleware, its 50 rows already in memory."""
    page = KeysetPage(object_list=bare_list.rows, next="x", is_first=True, count=1001, bound=1000)
    return render(request, "workflows/request_list.html", {"form": None, "page": page, "state": "", "state_label": ""})


@login_required
def bare_inbox(request):
    page = KeysetPage(object_list=bare_list.rows, next="x", is_first=True, count=1001, bound=1000)
    return render(request, "workflows/inbox.html", {"page": page})


def _assign(organisation, user) -> None:
    """The open requests wait at the one step of a workflow, assigned to the user."""
    workflow, _ = Workflow.objects.get_or_create(organisation=organisation, version=1)
    step, _ = WorkflowStep.objects.get_or_create(workflow=workflow, position=1, defaults={"name": "Approval"})
    waiting = list(ApprovalRequest.objects.filter(organisation=organisation, state=ApprovalRequest.State.ON_APPROVAL,
                                                  current_step__isnull=True).values_list("pk", flat=True))
    ApprovalRequest.objects.filter(pk__in=waiting).update(workflow=workflow, current_step=step)
    Assignment.objects.bulk_create((Assignment(request_id=pk, revision=1, step=step, approver=user) for pk in waiting),
                                   batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflows_assignment")
        cursor.execute("ANALYZE workflows_approvalrequest")


def _seed(organisation, n: int) -> None:
    start = timezone.now() - timedelta(days=365)
    have = ApprovalRequest.objects.filter(organisation=organisation).count()
    batch = []
    for i in range(have, n):
        batch.append(ApprovalRequest(
            organisation=organisation, state=ApprovalRequest.State.PUBLISHED if i % 3 else ApprovalRequest.State.ON_APPROVAL,
            supplier_name=f"Supplier {i % 97}", invoice_number=f"INV-{i:06}", date=date(2026, 1, 1) + timedelta(days=i % 300),
            currency="GBP", tax_treatment="exclusive", sub_total=Decimal("100.00"), tax_total=Decimal("20.00"),
            total=Decimal("120.00"), source_system="dext", source_reference=f"CI-{i}"))  # fmt: skip
        if len(batch) == 5000:
            ApprovalRequest.objects.bulk_create(batch)
            batch = []
    ApprovalRequest.objects.bulk_create(batch)
    # Spread the creation times over a year, as a real organisation's would be.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workflows_approvalrequest SET created_at = %s + (id * interval '1 second')", [start])
        cursor.execute("ANALYZE workflows_approvalrequest")


def _paired_ms(client: Client, url: str, reference: str) -> tuple[float, float, int]:
    """Median times of the page and of its reference, taken in turns so that whatever else the
    machine does at a moment weighs on both alike; and the page's query count."""
    client.get(url)
    client.get(reference)
    times, reference_times = [], []
    for _ in range(ROUNDS):
        began = time.perf_counter()
        assert client.get(reference).status_code == 200
        reference_times.append((time.perf_counter() - began) * 1000)
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    return statistics.median(times), statistics.median(reference_times), len(queries.captured_queries)


def main(sizes: list[int]) -> None:
    setup_test_environment()
    real_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        _measure(sizes)
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


def _measure(sizes: list[int]) -> None:
    root_urls.urlpatterns.append(path("bench/bare-list/", bare_list))
    root_urls.urlpatterns.append(path("bench/bare-inbox/", bare_inbox))
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    client = Client()
    client.force_login(user)
    print(f"{'requests':>9} {'list':>8} {'page':>6} {'ms':>8} {'ref ms':>8} {'ratio':>6} {'queries':>8}")
    for n in sizes:
        _seed(organisation, n)
        _assign(organisation, user)
        bare_list.rows = list(ApprovalRequest.objects.select_related("organisation", "current_step")[:50])
        for row in bare_list.rows:
            row.submitted_at = row.created_at
        for name, url, parameter, bare in (("requests", "/requests/", "older", "/bench/bare-list/"),
                                           ("inbox", "/requests/awaiting/", "after", "/bench/bare-inbox/")):
            deep, depth = url, 0
            for depth in range(1, 201):  # 200 pages deep: 10,000 rows in
                found = re.search(rf'{parameter}=([^"]+)" rel="next"', client.get(deep).content.decode())
                if not found:
                    break
                deep = f"{url}?{parameter}={found.group(1)}"
            for label, page_url in (("first", url), (f"{depth + 1}th", deep)):
                ms, reference, queries = _paired_ms(client, page_url, bare)
                print(f"{n:>9} {name:>8} {label:>6} {ms:>8.1f} {reference:>8.1f} {ms / reference:>6.2f} {queries:>8}")


if __name__ == "__main__":
    with override_settings(DEBUG=False):
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
