"""quickbooks.api.intuit.com/v3/company/{realmId}/...: reads, queries, CDC, writes with
`requestid`, uploads and batches, behind the bearer token, the realm's limits and faults."""

import json
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from quickbooks_integration.sandbox import attachments, faults, limits, oauth, store
from quickbooks_integration.sandbox.entities import CREATORS
from quickbooks_integration.sandbox.faults import Fault, json_answer, stamp
from quickbooks_integration.sandbox.models import Company, RequestIdAnswer
from quickbooks_integration.sandbox.query import parse

REQUEST_ID_MAX = 50
BATCH_MAX = 30
READABLE = {"vendor": "Vendor", "account": "Account", "taxcode": "TaxCode", "taxrate": "TaxRate",
            "class": "Class", "department": "Department", "bill": "Bill", "billpayment": "BillPayment",
            "purchase": "Purchase", "attachable": "Attachable", "vendorcredit": "VendorCredit",
            "budget": "Budget"}
# Transactions can be deleted; names (vendors, accounts, classes) are only made inactive.
DELETABLE = {"bill", "billpayment", "purchase", "vendorcredit"}


def endpoint(*, batch: bool = False):
    """The bearer token's grant must be for this realm; every call counts against its limits."""
    def decorate(view: Callable) -> Callable:
        @csrf_exempt
        @wraps(view)
        def guarded(request: HttpRequest, realm_id: str, *args, **kwargs) -> HttpResponse:
            grant, why = oauth.grant_for_bearer(request.headers.get("Authorization", ""))
            if grant is None:
                return faults.authentication_failed(why)
            company = grant.company
            if company.realm_id != realm_id:
                return faults.fault_answer(Fault("120", "Authorization Failure",
                                                 "The token is not for this company (realmId).",
                                                 kind="AuthorizationFault", status=403))
            try:
                slot = limits.call_begin(company, batch=batch)
            except limits.Throttled as throttled:
                return faults.throttled(throttled.retry_after)
            try:
                return view(request, company, *args, **kwargs)
            except Fault as fault:
                return faults.fault_answer(fault, in_200=company.faults_in_200)
            finally:
                limits.call_end(slot)
        return guarded
    return decorate


@endpoint()
def company_info(request: HttpRequest, company: Company, company_id: str) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405)
    return json_answer({"CompanyInfo": {"Id": "1", "SyncToken": "0", "CompanyName": company.name,
                                        "LegalName": company.name, "Country": company.country,
                                        "domain": "QBO"}, "time": stamp()})


@endpoint()
def preferences(request: HttpRequest, company: Company) -> HttpResponse:
    return json_answer({"Preferences": {"CurrencyPrefs": {
        "MultiCurrencyEnabled": bool(company.currencies), "HomeCurrency": {"value": company.home_currency}}},
        "time": stamp()})


@endpoint()
def query(request: HttpRequest, company: Company) -> HttpResponse:
    text = request.GET.get("query") if request.method == "GET" else request.body.decode("utf-8", "replace")
    return json_answer({"QueryResponse": store.run_query(company, parse(text or "")), "time": stamp()})


@endpoint()
def cdc(request: HttpRequest, company: Company) -> HttpResponse:
    kinds = [READABLE.get(name.strip().lower()) for name in request.GET.get("entities", "").split(",")]
    if not kinds or None in kinds:
        raise faults.malformed(f"Unknown entities: {request.GET.get('entities', '')}")
    try:
        since = datetime.fromisoformat(request.GET.get("changedSince", "").replace("Z", "+00:00"))
    except ValueError:
        raise Fault("4002", "Invalid value for changedSince", "changedSince must be an ISO 8601 time.",
                    element="changedSince") from None
    if since.tzinfo is None:
        raise Fault("4002", "Invalid value for changedSince", "changedSince needs a time zone.",
                    element="changedSince")
    return json_answer({"CDCResponse": [{"QueryResponse": store.changes(company, kinds, since)}], "time": stamp()})


@endpoint()
def entity(request: HttpRequest, company: Company, name: str, entity_id: str | None = None) -> HttpResponse:
    name = name.lower()
    if request.method == "GET" and entity_id and name in READABLE:
        found = store.get(company, READABLE[name], entity_id)
        if found is None:
            raise Fault("610", "Object Not Found",
                        "Object Not Found : Something you're trying to use has been made inactive or deleted.")
        return json_answer({READABLE[name]: found, "time": stamp()})
    if request.method == "POST" and not entity_id and request.GET.get("operation") == "delete":
        if name not in DELETABLE:
            raise Fault("500", "Unsupported Operation", "Operation Delete is not supported.")
        body = _json_body(request)
        return _write(request, company, lambda: {READABLE[name]: store.delete(
            company, READABLE[name], body.get("Id", ""), body.get("SyncToken")), "time": stamp()})
    if request.method == "POST" and not entity_id and name in CREATORS:
        kind, create = CREATORS[name]
        return _write(request, company, lambda: {kind: create(company, _json_body(request)), "time": stamp()})
    return HttpResponse(status=405 if name in READABLE else 404)


@endpoint()
def upload(request: HttpRequest, company: Company) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    return _write(request, company, lambda: {"AttachableResponse": attachments.upload(company, request),
                                             "time": stamp()})


@endpoint(batch=True)
def batch(request: HttpRequest, company: Company) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(status=405)
    items = _json_body(request).get("BatchItemRequest")
    if not isinstance(items, list) or not items:
        raise faults.required("BatchItemRequest")
    largest = int(getattr(settings, "QBO_SANDBOX_BATCH_MAX", BATCH_MAX))
    if len(items) > largest:
        raise Fault("1040", "Batch size limit exceeded",
                    f"The batch has {len(items)} operations; at most {largest} are allowed.")
    return _write(request, company, lambda: {"BatchItemResponse": [_batch_item(company, item) for item in items],
                                             "time": stamp()})


def _batch_item(company: Company, item: dict) -> dict:
    answer = {"bId": str(item.get("bId", ""))}
    try:
        if "Query" in item:
            return {**answer, "QueryResponse": store.run_query(company, parse(item["Query"]))}
        if item.get("operation") != "create":
            raise faults.malformed("Only create operations and queries are supported in a batch here")
        for name, (kind, create) in CREATORS.items():
            if kind in item:
                with transaction.atomic():
                    return {**answer, kind: create(company, item[kind])}
        raise faults.malformed("The operation names no entity")
    except Fault as fault:
        return {**answer, "Fault": {"Error": fault.body()["Fault"]["Error"], "type": fault.kind}}


def _json_body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        raise Fault("2010", "Request has invalid or unsupported property",
                    "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise faults.malformed("The request body must be a JSON object.")
    return body


def _injected_fault(company: Company) -> str:
    with transaction.atomic():
        row = Company.objects.select_for_update().get(pk=company.pk)
        if not row.injected_faults:
            return ""
        fault, *rest = row.injected_faults
        Company.objects.filter(pk=company.pk).update(injected_faults=rest)
        return fault


def _write(request: HttpRequest, company: Company, produce: Callable[[], dict]) -> HttpResponse:
    """A write: the first answer to its `requestid` is kept and replayed, faults included. The
    answer is recorded in the write's own transaction, so a twin sent at the same moment waits
    for it on the unique index and then gets the same answer, and a write that died left none."""
    request_id = request.GET.get("requestid", "")
    if len(request_id) > REQUEST_ID_MAX:
        raise faults.malformed(f"requestid may be at most {REQUEST_ID_MAX} characters")
    replayed = _replay(company, request_id)
    if replayed:
        return replayed
    injected = _injected_fault(company)
    if injected == "error_500":
        raise faults.system_fault()
    if injected == "throttle":
        return faults.throttled(max(1, round(limits.THROTTLE_SECONDS * limits.time_scale())))
    try:
        with transaction.atomic():
            claim = RequestIdAnswer.objects.create(company=company, request_id=request_id) if request_id else None
            try:
                with transaction.atomic():
                    answer = json_answer(produce())
            except Fault as fault:
                answer = faults.fault_answer(fault, in_200=company.faults_in_200)
            if claim:
                RequestIdAnswer.objects.filter(pk=claim.pk).update(status_code=answer.status_code,
                                                                    body=answer.content)
    except IntegrityError:
        return _replay(company, request_id) or faults.fault_answer(faults.system_fault())
    if injected == "lost_answer":
        return HttpResponse("Bad Gateway", status=502, content_type="text/plain")
    return answer


def _replay(company: Company, request_id: str) -> HttpResponse | None:
    first = RequestIdAnswer.objects.filter(company=company, request_id=request_id).first() if request_id else None
    if first is None or first.status_code is None:
        return None
    return HttpResponse(bytes(first.body), status=first.status_code, content_type="application/json;charset=UTF-8")
