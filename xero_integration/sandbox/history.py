"""`GET /Invoices/{id}/History`: the change log, Xero's only record of who did what to a bill."""

from django.http import HttpResponse, HttpResponseNotAllowed

from xero_integration.sandbox import api_parts as api
from xero_integration.sandbox.accounting import INVOICES
from xero_integration.sandbox.gateway import ApiCall, accounting_endpoint
from xero_integration.sandbox.models import CREDIT_NOTE_TYPES
from xero_integration.sandbox.xero_json import json_response, ms_datetime, not_found


@accounting_endpoint(**INVOICES)
def invoice_history(call: ApiCall, invoice_id: str) -> HttpResponse:
    if call.request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    guid = api.guid(invoice_id)
    found = call.organisation.invoices.exclude(type__in=CREDIT_NOTE_TYPES).filter(pk=guid).first() if guid else None
    if found is None:
        return not_found()
    return json_response({"HistoryRecords": [
        {"Changes": record.changes, "DateUTCString": record.created_at.strftime("%Y-%m-%dT%H:%M:%S"),
         "DateUTC": ms_datetime(record.created_at), "User": record.user, "Details": record.details}
        for record in found.history.all()]})
