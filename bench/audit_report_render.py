"""The audit report of a bill with 3 lines and 4 decisions against a minimal WeasyPrint document
of the same page count.

A throw-away test database gets the bill: four one-approver steps, each approved with a comment.
Printed: the report's pages, how many times WeasyPrint lays the document out per render, and the
median time (of ROUNDS, each round taking every document in turn) of the report from its HTML
to its PDF bytes (the template, the layout, the PDF), of its layout alone, and of the reference:
a document of the same number of pages with one paragraph on each, from HTML to PDF. The ratio
is the report's to the reference's.

Also printed, to say what the target asks of any document with this much to say: the report's own
text (every cell, as plain text) laid out without tables or styles, once as one paragraph per cell
and once as a single paragraph, each against the same reference.

    DATABASE_URL=postgres://… .venv/bin/python bench/audit_report_render.py [ROUNDS]
"""

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

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from weasyprint import HTML  # noqa: E402

import weasyprint.document  # noqa: E402
from tests.builders import bill_content, pdf_document  # noqa: E402
from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts  # noqa: E402
from workflows import audit_report, services  # noqa: E402
from workflows.content import LineContent  # noqa: E402
from workflows.models import Workflow, WorkflowStep  # noqa: E402


def _bill():
    organisation = OrganisationFactory(name="Bench Reports Ltd", slug="bench-reports")
    master = chart_of_accounts(organisation)
    workflow, _ = Workflow.objects.get_or_create(organisation=organisation)
    approvers = []
    for position in range(1, 5):
        person = MembershipFactory(organisation=organisation).user
        step = WorkflowStep.objects.create(workflow=workflow, position=position, name=f"Step {position}")
        step.approvers.set([person])
        approvers.append(person)
    line = bill_content(master).lines[0]
    lines = [LineContent(**{**line.__dict__, "description": f"Printer paper, box {n}"}) for n in range(3)]
    from decimal import Decimal

    content = bill_content(master, lines=lines, sub_total=Decimal("135.00"), tax_total=Decimal("27.00"),
                           total=Decimal("162.00"))
    request = services.request_create(organisation=organisation, content=content, document=pdf_document())
    for person in approvers:
        services.request_approve(request_id=request.pk, user=person, comment="Checked against the order.")
    request.refresh_from_db()
    return request


def _medians(works: list, rounds: int) -> list[float]:
    """Each work's median time, the works taken in turns round by round so that whatever else
    the machine does at a moment weighs on all of them alike."""
    times = [[] for _ in works]
    for _ in range(rounds):
        for work, taken in zip(works, times):
            began = time.perf_counter()
            work()
            taken.append(time.perf_counter() - began)
    return [statistics.median(taken) for taken in times]


def main(rounds: int) -> None:
    setup_test_environment()
    real_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        request = _bill()
        html = audit_report.audit_report_html(request=request)
        pages = len(audit_report.html_to_document(html).pages)
        layouts = []
        original = weasyprint.document.layout_document

        def counting(*args, **kwargs):
            layouts.append(1)
            return original(*args, **kwargs)

        weasyprint.document.layout_document = counting
        audit_report.html_to_pdf(html)
        weasyprint.document.layout_document = original
        reference_html = "".join(f"<p style='break-before: page'>Page {n + 1}</p>" for n in range(pages))
        cells = [re.sub(r"<[^>]+>", " ", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)]
        per_cell = "".join(f"<p>{cell}</p>" for cell in cells)
        one = f"<p>{' '.join(cells)}</p>"
        reference, ours, layout, *floors = _medians([
            lambda: HTML(string=reference_html).write_pdf(),
            lambda: audit_report.html_to_pdf(audit_report.audit_report_html(request=request)),
            lambda: audit_report.html_to_document(html),
            lambda: HTML(string=per_cell).write_pdf(),
            lambda: HTML(string=one).write_pdf(),
        ], rounds)
        floors = list(zip([f"{len(cells)} cells' text, a paragraph each", "the same text as one paragraph"], floors))
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
    print(f"report: {pages} pages, laid out {len(layouts)} time(s) a render")
    print(f"report {ours * 1000:.0f} ms (layout alone {layout * 1000:.0f} ms); minimal {pages}-page document "
          f"{reference * 1000:.0f} ms; ratio {ours / reference:.2f} (target 1.5)")
    for label, floor in floors:
        print(f"  {label}, no tables or styles: {floor * 1000:.0f} ms, {floor / reference:.2f} of the minimal document")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
