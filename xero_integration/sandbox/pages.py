"""Public pages to look inside the sandbox: each organisation's bills, a bill, its files."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from xero_integration.sandbox import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "xero_sandbox/home.html", {"organisations": selectors.organisations_with_bills()})


@require_GET
def bill(request: HttpRequest, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> HttpResponse:
    found = selectors.bill_for_page(organisation_id=tenant_id, invoice_id=invoice_id)
    if found is None:
        raise Http404("No such bill in the sandbox.")
    return render(request, "xero_sandbox/bill.html", {"bill": found})


@require_GET
def attachment(request: HttpRequest, attachment_id: uuid.UUID) -> HttpResponse:
    found = selectors.attachment_for_download(attachment_id)
    if found is None:
        raise Http404("No such attachment in the sandbox.")
    # Always a download: an uploaded HTML file must not run as a page of this site.
    response = HttpResponse(bytes(found.content), content_type=found.mime_type)
    response["Content-Disposition"] = content_disposition_header(True, found.file_name)
    return response
