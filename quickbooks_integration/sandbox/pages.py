"""The stand-in's own pages, for people: each company's bills with their attachments and
payments, and an attachment's bytes. Every page needs a logged-in member (urls.py)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from quickbooks_integration.sandbox import store
from quickbooks_integration.sandbox.models import AttachableContent, Company


def home(request: HttpRequest) -> HttpResponse:
    companies = []
    for company in Company.objects.order_by("name"):
        attachables = store.of_kind(company, "Attachable")
        payments = store.of_kind(company, "BillPayment")
        bills = []
        for bill in reversed(store.of_kind(company, "Bill")):
            attached = [a for a in attachables if any(ref["EntityRef"] == {"type": "Bill", "value": bill["Id"]}
                                                      for ref in a.get("AttachableRef", []))]
            paid = [p for p in payments if any(linked["TxnId"] == bill["Id"] for line in p["Line"]
                                               for linked in line["LinkedTxn"])]
            bills.append({"bill": bill, "attachments": attached, "payments": paid})
        companies.append({"company": company, "bills": bills,
                          "purchases": list(reversed(store.of_kind(company, "Purchase")))})
    return render(request, "quickbooks_sandbox/home.html", {"companies": companies})


@require_http_methods(["GET", "POST"])
def transaction(request: HttpRequest, page: str) -> HttpResponse:
    """QuickBooks Online's own page for a bill or an expense (`/app/bill?txnId=`): here, the
    transaction as the API holds it, with what is attached to it; and its Delete button, as
    someone would delete it in QBO's web app."""
    kind = {"bill": "Bill", "expense": "Purchase"}.get(page)
    txn_id = request.GET.get("txnId", "")
    for company in Company.objects.all():
        found = store.get(company, kind, txn_id) if kind and txn_id.isdigit() else None
        if found and request.method == "POST":
            store.delete(company, kind, txn_id, found["SyncToken"])
            messages.success(request, f"{kind} {found.get('DocNumber') or txn_id} deleted.")
            return redirect("quickbooks_sandbox:home")
        if found:
            attached = [a for a in store.of_kind(company, "Attachable")
                        if any(ref["EntityRef"] == {"type": kind, "value": txn_id} for ref in a["AttachableRef"])]
            return render(request, "quickbooks_sandbox/transaction.html",
                          {"company": company, "kind": kind, "txn": found, "attachments": attached})
    raise Http404("No such transaction.")


def attachment(request: HttpRequest, realm_id: str, attachable_id: str) -> HttpResponse:
    company = get_object_or_404(Company, realm_id=realm_id)
    content = AttachableContent.objects.filter(attachable__company=company, attachable__kind="Attachable",
                                               attachable__entity_id=attachable_id).select_related("attachable").first()
    if content is None:
        raise Http404("No such attachment.")
    data = content.attachable.data
    response = HttpResponse(bytes(content.data), content_type=data["ContentType"])
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response
