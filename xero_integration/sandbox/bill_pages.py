"""Pages that change bills as people do outside the API: Dext publishing a bill for approval (with
its document), and someone editing a bill in Xero's web app. Both go through Xero's own rules and
send its webhooks, like any change."""

import uuid
from decimal import Decimal

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from xero_integration.sandbox import ledger, selectors
from xero_integration.sandbox.accounting import invoice_as_input
from xero_integration.sandbox.clean import ValidationFailed, load_chart
from xero_integration.sandbox.forms import BillEditForm, DextBillForm
from xero_integration.sandbox.models import Organisation
from xero_integration.sandbox.validation import validate_invoice

DEXT_USER = "Dext Integration"


def _person(request: HttpRequest) -> str:
    return request.user.get_full_name() or request.user.get_username()


def bill_new(request: HttpRequest, tenant_id: uuid.UUID) -> HttpResponse:
    """A bill awaiting approval, published by Dext with its document attached."""
    organisation = get_object_or_404(Organisation, pk=tenant_id)
    form = DextBillForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clean = validate_invoice({
                "Type": "ACCPAY", "Contact": {"ContactID": data["contact"].pk}, "Date": data["date"],
                "DueDate": data["due_date"], "InvoiceNumber": data["invoice_number"], "Status": "SUBMITTED",
                "LineAmountTypes": "Exclusive", "LineItems": [{"Quantity": Decimal(1), **form.line()}]}, load_chart(organisation), unit_dp=2)
        except ValidationFailed as failed:
            form.add_error(None, " ".join(failed.messages))
        else:
            # One transaction, so that Xero's webhook leaves once the document is attached too.
            with transaction.atomic():
                bill = ledger.invoice_create(organisation=organisation, clean=clean, user=DEXT_USER)
                upload = data["document"]
                if upload:
                    ledger.attachment_put(parent=bill, file_name=upload.name, content=upload.read(),
                                          mime_type=upload.content_type or "application/octet-stream",
                                          include_online=False)
            messages.success(request, f"Bill {bill.invoice_number} is awaiting approval in {organisation.name}.")
            return redirect("xero_sandbox:bill", organisation.pk, bill.pk)
    return render(request, "xero_sandbox/bill_new.html", {"organisation": organisation, "form": form},
                  status=400 if request.method == "POST" else 200)


def bill_edit(request: HttpRequest, tenant_id: uuid.UUID, invoice_id: uuid.UUID) -> HttpResponse:
    """Change a bill's status, number or first line, as someone would in Xero's web app."""
    bill = selectors.bill_for_page(organisation_id=tenant_id, invoice_id=invoice_id)
    if bill is None:
        raise Http404("No such bill in the sandbox.")
    first = bill.line_items.first()
    initial = {"status": bill.status, "invoice_number": bill.invoice_number,
               "description": first.description if first else "", "account": first.account if first else None,
               "tax_type": bill.organisation.tax_rates.filter(tax_type=first.tax_type).first() if first else None,
               "unit_amount": first.unit_amount if first else None}
    form = BillEditForm(request.POST or None, initial=initial, organisation=bill.organisation,
                        current_status=bill.status)
    if request.method == "POST" and form.is_valid():
        current = invoice_as_input(bill)
        lines = current["LineItems"]
        edited = {**(lines[0] if lines else {}), **form.line()}
        edited["Tracking"] = lines[0]["Tracking"] if lines else []
        merged = {**current, "Status": form.cleaned_data["status"], "InvoiceNumber": form.cleaned_data["invoice_number"],
                  "LineItems": [edited, *lines[1:]]}
        try:
            clean = validate_invoice(merged, load_chart(bill.organisation), unit_dp=4, current_status=bill.status)
            ledger.invoice_update(invoice=bill, clean=clean, user=_person(request))
        except ValidationFailed as failed:
            form.add_error(None, " ".join(failed.messages))
        else:
            messages.success(request, "The bill is saved.")
            return redirect("xero_sandbox:bill", bill.organisation_id, bill.pk)
    return render(request, "xero_sandbox/bill_edit.html", {"bill": bill, "form": form},
                  status=400 if request.method == "POST" else 200)
