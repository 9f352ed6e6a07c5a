"""The PDF audit report attached to published bills."""

import base64
import socket

import pytest
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.urls import FatalURLFetchingError

from tests.builders import MINIMAL_PNG, bill_content, pdf_document
from workflows import services
from workflows.audit_report import (
    RemoteResourceRefused,
    audit_report_html,
    html_to_document,
    html_to_pdf,
    render_audit_report,
)
from workflows.models import ApprovalRequest, RequestDocument


@pytest.fixture
def decided_request(create_request, master_data, approver) -> ApprovalRequest:
    """Rejected in revision 1, resubmitted and approved in revision 2."""
    request = create_request()
    services.request_reject(request_id=request.pk, user=approver, comment="The VAT is wrong.")
    services.request_resubmit(request_id=request.pk, content=bill_content(master_data), document=pdf_document())
    return services.request_approve(request_id=request.pk, user=approver, comment="Corrected, thanks.")


@pytest.fixture
def connections(monkeypatch):
    """Every socket connection attempted while the test runs."""
    attempts = []
    real_connect = socket.socket.connect

    def recording_connect(self, address):
        attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    return attempts


def laid_out_text(html: str) -> str:
    """The text WeasyPrint puts on the pages (from its layout: no PDF parser is installed)."""
    words = []
    for page in html_to_document(html).pages:
        words.extend(box.text for box in page._page_box.descendants() if isinstance(box, TextBox))
    return " ".join(words)


def test_report_html_has_everything_an_auditor_needs(decided_request, approver, settings):
    settings.PUBLIC_BASE_URL = "https://approvals.example.com"
    document = RequestDocument.objects.get(request=decided_request, revision=2)

    html = audit_report_html(request=decided_request)

    assert "<h1>Approval audit report</h1>" in html
    assert "Demo Trading Ltd" in html
    assert "Acme Supplies Ltd" in html
    assert "INV-4411" in html
    assert "2026-11-02" in html and "2026-12-02" in html
    assert "GBP" in html and "Tax exclusive" in html
    for cell in ["Printer paper", '"numeric">10<', '"numeric">4.50<', "429 General Expenses", "20% (VAT on Expenses)",
                 "Region: North", '"numeric">45.00<', '"numeric">9.00<', '"numeric">54.00<']:  # fmt: skip
        assert cell in html, cell
    assert "All times are in UTC" in html
    assert html.count(" UTC</td>") >= 2
    assert "The VAT is wrong." in html and "Rejected" in html
    assert "Corrected, thanks." in html and "Approved" in html
    assert approver.get_full_name() in html
    assert "Resubmitted as a new revision" in html and "Fully approved" in html
    assert "Dext item CI-000123" in html
    assert "https://app.dext.example/costs/CI-000123" in html
    assert "INV-4411.pdf" in html and document.sha256 in html
    assert f"https://approvals.example.com/requests/{decided_request.public_id}/" in html
    assert "Report generated" in html


def test_report_escapes_what_dext_sent(create_request):
    request = create_request(supplier_name='<img src="https://tracker.example/pixel.png">Acme')

    html = audit_report_html(request=request)

    assert "<img" not in html
    assert "&lt;img src=&quot;https://tracker.example/pixel.png&quot;&gt;Acme" in html


def test_report_is_a_pdf_with_the_report_on_its_pages(decided_request, connections):
    pdf = render_audit_report(request=decided_request)

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    text = laid_out_text(audit_report_html(request=decided_request))
    for expected in ["Approval audit report", "Acme Supplies Ltd", "INV-4411", "Printer paper", "The VAT is wrong.",
                     "Corrected, thanks.", "CI-000123"]:  # fmt: skip
        assert expected in text, expected
    assert connections == []


@pytest.mark.parametrize(
    "reference",
    [
        '<img src="https://tracker.example/pixel.png">',
        '<link rel="stylesheet" href="http://cdn.example/report.css">',
        "<style>@import url(https://cdn.example/fonts.css);</style>",
        '<img src="file:///etc/passwd">',
    ],
)
def test_report_rendering_fetches_nothing(reference, connections):
    with pytest.raises(FatalURLFetchingError) as raised:
        html_to_pdf(f"<!doctype html><html><body><p>Report</p>{reference}</body></html>")

    assert isinstance(raised.value.__cause__, RemoteResourceRefused)
    assert connections == []


def test_report_rendering_accepts_inline_data(connections):
    png = base64.b64encode(MINIMAL_PNG).decode()

    pdf = html_to_pdf(f'<!doctype html><html><body><img src="data:image/png;base64,{png}" alt="logo"></body></html>')

    assert pdf.startswith(b"%PDF-")
    assert connections == []


def test_reports_rendered_one_after_another_share_fonts_and_each_carries_its_own(decided_request, connections):
    """The fonts are found once a thread; every PDF still embeds the glyphs it uses, as text."""
    import io
    import threading

    from pypdf import PdfReader

    from workflows.audit_report import _font_config

    pdfs = [render_audit_report(request=decided_request) for _ in range(2)]

    for pdf in pdfs:
        reader = PdfReader(io.BytesIO(pdf))
        text = " ".join(page.extract_text() for page in reader.pages)
        assert "Approval audit report" in text and "Acme Supplies Ltd" in text
        fonts = reader.pages[0]["/Resources"]["/Font"]
        assert fonts and all("/FontFile2" in font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                             for font in fonts.values())
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(_font_config()))
    thread.start()
    thread.join()
    assert _font_config() is _font_config() and elsewhere[0] is not _font_config()
