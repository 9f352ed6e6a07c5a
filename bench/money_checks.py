"""What the duplicate and budget checks add to a Dext push, in an organisation with PAST past
requests (each with a line and a document) and BUDGETS monthly budget figures.

Pushes take turns between no check, the duplicate check alone (duplicates held for review, so
each push looks for them), the budget check alone (a matrix rule routing on "over budget", so each
push reads its budget) and both, so that all meet the same database and the same machine. Printed:
p50 and p95 of each, and what the checks add at p95 (target: 20 ms for both).

    DATABASE_URL=postgres://… .venv/bin/python bench/money_checks.py [PAST] [BUDGETS] [PUSHES]
"""

import hashlib
import json
import os
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

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from approvalmax.budgets.models import Budget  # noqa: E402
from approvalmax.core.models import Account, Organisation  # noqa: E402
from dext_integration.services import dext_connection_create  # noqa: E402
from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts, one_step_workflow  # noqa: E402
from tests.files import pdf  # noqa: E402
from workflows.models import ApprovalRequest, MatrixRule, RequestDocument, RequestLine  # noqa: E402
from workflows.models.spending import use_of  # noqa: E402

BATCH = 5000


def _history(organisation, workflow, master, past: int) -> None:
    """PAST requests over two years, most published, with a line and a document each."""
    states = ["published"] * 8 + ["rejected", "on_approval"]
    start = date(2025, 1, 1)
    for first in range(0, past, BATCH):
        numbers = range(first, min(first + BATCH, past))
        requests = ApprovalRequest.objects.bulk_create(ApprovalRequest(
            organisation=organisation, workflow=workflow, kind="bill", state=states[n % len(states)],
            supplier_name=f"Supplier {n % 500}", invoice_number=f"H-{n}", date=start + timedelta(days=n % 700),
            currency="GBP", tax_treatment="exclusive", sub_total=Decimal("45.00"), tax_total=Decimal("9.00"),
            total=Decimal("54.00"), source_system="dext", source_reference=f"H-{n}") for n in numbers)
        RequestLine.objects.bulk_create(RequestLine(
            request=r, revision=1, position=1, description="Past", quantity=1, unit_amount=Decimal("45.00"),
            account=master["general"] if n % 2 else master["office"], tax_rate=master["input2"],
            line_amount=Decimal("45.00"), tax_amount=Decimal("9.00"), net_amount=Decimal("45.00"),
            month=r.date.replace(day=1), counts_as=use_of(r)) for n, r in zip(numbers, requests, strict=True))
        RequestDocument.objects.bulk_create(RequestDocument(
            request=r, organisation_id=r.organisation_id, revision=1, file=f"documents/bench/{n}.pdf", filename=f"{n}.pdf",
            content_type="application/pdf",
            size=1000, sha256=hashlib.sha256(str(n).encode()).hexdigest()) for n, r in zip(numbers, requests, strict=True))


def _budgets(organisation, master, figures: int) -> None:
    accounts = [master["general"], master["office"]] + Account.objects.bulk_create(
        Account(organisation=organisation, external_id=f"bench-{n}", code=str(5000 + n), name=f"Cost {n}",
                type="EXPENSE", tax_type="INPUT2") for n in range(max(0, figures // 100 - 2)))
    months = [date(2020 + m // 12, m % 12 + 1, 1) for m in range(100)]
    Budget.objects.bulk_create((Budget(organisation=organisation, account=account, month=month,
                                       amount=Decimal("1000.00"), source="upload")
                                for account in accounts for month in months), batch_size=BATCH)


def _item(n: int) -> dict:
    return {"dext_id": f"CI-B{n}", "type": "invoice", "publish_to": "bill",
            "supplier": {"name": f"Supplier {n % 500}", "xero_contact_id": None}, "invoice_number": f"NEW-{n}",
            "date": "2026-11-02", "due_date": "2026-12-02", "currency": "GBP", "line_amount_types": "Exclusive",
            "line_items": [{"description": "Paper", "quantity": "10", "unit_amount": "4.50", "account_code": "429",
                            "tax_type": "INPUT2", "tracking": [{"category": "Region", "option": "North"}]}],
            "total": "54.00", "tax_total": "9.00", "paid": False,
            "payment_method": {"name": "Card", "bank_account_code": "090"},
            "owner": {"email": "sam@example.com", "name": "Sam Taylor"}, "document_url": ""}


MODES = ["none", "duplicates", "budgets", "both"]


def _checks(organisation, rule, mode: str) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(hold_possible_duplicates=mode in ("duplicates", "both"))
    MatrixRule.objects.filter(pk=rule.pk).update(budget_condition="over" if mode in ("budgets", "both") else "")


def main(past: int, figures: int, pushes: int) -> None:
    setup_test_environment()
    real_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        organisation = OrganisationFactory(name="Bench Money Ltd", slug="bench-money")
        master = chart_of_accounts(organisation)
        approvers = [MembershipFactory(organisation=organisation).user for _ in range(2)]
        workflow = one_step_workflow(organisation, [approvers[0]])
        rule = MatrixRule.objects.create(step=workflow.steps.get(), approver=approvers[1])
        began = time.perf_counter()
        _history(organisation, workflow, master, past)
        _budgets(organisation, master, figures)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{past} past requests and {Budget.objects.count()} budget figures made in "
              f"{time.perf_counter() - began:.0f} s")
        _, key = dext_connection_create(organisation=organisation, account_name="Bench")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        document = pdf(pages=1)
        times: dict[str, list[float]] = {mode: [] for mode in MODES}
        for n in range(pushes * len(MODES) + len(MODES)):
            mode = MODES[n % len(MODES)]
            _checks(organisation, rule, mode)
            began = time.perf_counter()
            response = client.post("/api/dext/v1/cost-items/", {
                "item": json.dumps(_item(n)), "document": SimpleUploadedFile(f"{n}.pdf", document, "application/pdf")},
                format="multipart")
            elapsed = (time.perf_counter() - began) * 1000
            assert response.status_code == 201, response.content
            if n >= len(MODES):  # the first round warms the caches
                times[mode].append(elapsed)
        p95 = {mode: statistics.quantiles(values, n=20)[-1] for mode, values in times.items()}
        for mode in MODES:
            print(f"  checks: {mode:<10} p50 {statistics.median(times[mode]):6.1f} ms  p95 {p95[mode]:6.1f} ms"
                  f"  (+{p95[mode] - p95['none']:.1f} ms at p95)")
        print(f"  both checks add {p95['both'] - p95['none']:.1f} ms at p95 (target 20)")
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    main(*(arguments + [100_000, 10_000, 60][len(arguments):]))
