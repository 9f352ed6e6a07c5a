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
and once as a single paragraph, each against the same reference; and, whatever it says, the same
number of pages holding one plain paragraph each of about 5, 10, 20 and 40 lines, against the
report's own lines a page (WeasyPrint's line boxes). Last, the mean render among many in a row, as a
Celery pool child renders them, with the process's objects in the garbage collector's passes and
kept out of them (what a child does at its start).

    DATABASE_URL=postgres://… .venv/bin/python bench/audit_report_render.py [ROUNDS]
"""

import gc
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
from weasyprint.formatting_structure.boxes import LineBox  # noqa: E402

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
    the machine does at a moment weighs on all of them alike. The collector runs before each: a
    full collection, landing on the same work every round, added 130 ms to whichever it was."""
    times = [[] for _ in works]
    for _ in range(rounds):
        for work, taken in zip(works, times):
            gc.collect()
            began = time.perf_counter()
            work()
            taken.append(time.perf_counter() - began)
    return [statistics.median(taken) for taken in times]


IN_A_ROW = (4, 10)  # batches each way, renders a batch


def _in_a_row(render, batches: int = IN_A_ROW[0], size: int = IN_A_ROW[1]) -> tuple[float, float]:
    """The mean time of a render among many in a row, as a worker's pool child renders them: with
    the process's objects in the collector's passes, and kept out of them as a child's start keeps
    them (`process_start.worker_ready`), a batch each in turns. A mean, not a median: a full
    collection lands on one render in a few, and every render pays its share."""
    taken = {False: [], True: []}
    for batch in range(2 * batches):
        kept_out = batch % 2 == 1
        gc.collect()
        if kept_out:
            gc.freeze()
        for _ in range(size):
            began = time.perf_counter()
            render()
            taken[kept_out].append(time.perf_counter() - began)
        gc.unfreeze()
    return statistics.mean(taken[False]), statistics.mean(taken[True])


PLAIN_LINES = (5, 10, 20, 40)
# About a line of the reference's default font on an A4 page, in words.
_WORDS = "approved by Sam Taylor on the second of November and checked against the order".split()


def _plain_pages(pages: int, lines: int) -> str:
    text = " ".join(_WORDS[n % len(_WORDS)] for n in range(12 * lines))
    return "".join(f"<p style='break-before: page'>{text}</p>" for _ in range(pages))


def _line_boxes(box) -> int:
    return isinstance(box, LineBox) + sum(_line_boxes(child) for child in getattr(box, "children", None) or [])


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
        plain = [(lines, _plain_pages(pages, lines)) for lines in PLAIN_LINES]
        floor_documents = [per_cell, one] + [document for _, document in plain]
        reference, ours, layout, *floors = _medians([
            lambda: HTML(string=reference_html).write_pdf(),
            lambda: audit_report.html_to_pdf(audit_report.audit_report_html(request=request)),
            lambda: audit_report.html_to_document(html),
            *[lambda document=document: HTML(string=document).write_pdf() for document in floor_documents],
        ], rounds)
        labels = [f"{len(cells)} cells' text, a paragraph each", "the same text as one paragraph",
                  *[f"{pages} pages of about {lines} lines of plain text each" for lines, _ in plain]]
        floors = list(zip(labels, floors))
        in_passes, kept_out = _in_a_row(lambda: audit_report.render_audit_report(request=request))
        report_lines = [_line_boxes(page._page_box) for page in audit_report.html_to_document(html).pages]
    finally:
        connection.creation.destroy_test_db(real_name, verbosity=0)
    print(f"report: {pages} pages, laid out {len(layouts)} time(s) a render; line boxes a page: {report_lines}")
    print(f"report {ours * 1000:.0f} ms (layout alone {layout * 1000:.0f} ms); minimal {pages}-page document "
          f"{reference * 1000:.0f} ms; ratio {ours / reference:.2f} (target 1.5)")
    print(f"  {IN_A_ROW[0] * IN_A_ROW[1]} renders each way, in a row as a worker's child renders them: "
          f"mean {in_passes * 1000:.0f} ms with the process's objects in the collector's passes, "
          f"{kept_out * 1000:.0f} ms kept out of them (ratio {kept_out / in_passes:.2f})")
    for label, floor in floors:
        print(f"  {label}, no tables or styles: {floor * 1000:.0f} ms, {floor / reference:.2f} of the minimal document")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
