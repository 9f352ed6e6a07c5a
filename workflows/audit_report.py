"""The PDF audit report attached to a bill: who decided what, when, on which document.

The report is rendered from our own template and CSS only. WeasyPrint's URL fetcher refuses
everything but inline `data:` URLs, so nothing in a bill (all of it written by Dext or its
users) can make the server fetch a remote or local resource."""

import threading
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from workflows.budget_check import budget_check
from workflows.conversion import conversion_text
from workflows.models import ApprovalRequest
from workflows.selectors import request_page_url, request_record

STYLESHEET = Path(__file__).resolve().parent / "static" / "workflows" / "audit_report.css"


class RemoteResourceRefused(Exception):
    """The audit report tried to load something that is not inline data."""


class InlineDataOnlyFetcher(URLFetcher):
    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True)

    def fetch(self, url: str, headers=None):
        if not url.lower().startswith("data:"):
            raise RemoteResourceRefused(f"The audit report may not load {url!r}: only inline data is allowed.")
        return super().fetch(url, headers)


@cache
def _stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")


@cache
def _parsed_stylesheet() -> CSS:
    """Parsed once a process (8 ms a render otherwise); it imports and links nothing, so its
    fetcher is never asked."""
    return CSS(string=_stylesheet(), url_fetcher=InlineDataOnlyFetcher())


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """The report's fonts, found and loaded once a thread: afresh, they took an eighth of a
    render. One a thread, as Pango's font map is not to be shared between threads."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def audit_report_html(*, request: ApprovalRequest) -> str:
    record = request_record(request=request)
    return render_to_string(
        "workflows/audit_report.html",
        {
            "record": record,
            "approval_request": request,
            "organisation": request.organisation,
            "page_url": request_page_url(request=request),
            "generated_at": timezone.now(),
            "budget": budget_check(request, lines=record.lines),
            "conversion": conversion_text(request),
        },
    )


def html_to_document(html: str) -> Document:
    """Lay the report out with its own stylesheet, loading nothing but inline data."""
    fetcher = InlineDataOnlyFetcher()
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render(stylesheets=[_parsed_stylesheet()],
                                                                         font_config=_font_config())


def html_to_pdf(html: str) -> bytes:
    return html_to_document(html).write_pdf()


def render_audit_report(*, request: ApprovalRequest) -> bytes:
    return html_to_pdf(audit_report_html(request=request))
