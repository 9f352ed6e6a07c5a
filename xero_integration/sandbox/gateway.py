"""What Xero's API gateway does before and after every Accounting call.

In order: the bearer token (401), the token's scopes (401), the `xero-tenant-id` the grant covers
(403), the call limits (429), any injected fault, the body size (413), `Idempotency-Key` (replay
or 400), then the endpoint; the limit headers go on every answer.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from xero_integration.sandbox import idempotency, oauth, ratelimit
from xero_integration.sandbox.faults import fault_take
from xero_integration.sandbox.models import Fault, Grant, Organisation
from xero_integration.sandbox.xero_json import PostDataInvalid, post_data_invalid, problem

JSON_BODY_MAX_BYTES = 3_500_000
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
_WRITES = ("PUT", "POST")


@dataclass(frozen=True)
class ApiCall:
    request: HttpRequest
    organisation: Organisation
    body: bytes


def accounting_endpoint(
    *, read_scopes: tuple[str, ...], write_scopes: tuple[str, ...] = (), max_body: int = JSON_BODY_MAX_BYTES
):
    """Wrap `view(call: ApiCall, **url_kwargs) -> HttpResponse` in the gateway."""

    def decorator(view: Callable[..., HttpResponse]):
        @csrf_exempt
        @wraps(view)
        def gateway(request: HttpRequest, **kwargs) -> HttpResponse:
            try:
                grant = oauth.grant_for_bearer(request.headers.get("Authorization", ""))
            except oauth.TokenRejected as rejected:
                return problem(401, "Unauthorized", rejected.detail)
            allowed = write_scopes if request.method in _WRITES else read_scopes + write_scopes
            if not grant.scopes.intersection(allowed):
                return problem(401, "Unauthorized", "AuthorizationUnsuccessful")
            organisation = _granted_organisation(grant, request.headers.get("xero-tenant-id", ""))
            if organisation is None:
                return problem(403, "Forbidden", "AuthenticationUnsuccessful")
            try:
                slot, quota = ratelimit.call_begin(organisation)
            except ratelimit.RateLimited as limited:
                response = problem(429, "Too Many Requests", f"Rate limit exceeded: {limited.problem}")
                response["Retry-After"] = str(limited.retry_after)
                response["X-Rate-Limit-Problem"] = limited.problem
                return _with_quota(response, limited.quota)
            try:
                response = _faulty_answer(view, request, organisation, kwargs, max_body)
            finally:
                ratelimit.call_end(slot)
            return _with_quota(response, quota)

        return gateway

    return decorator


def _faulty_answer(view, request: HttpRequest, organisation: Organisation, kwargs: dict, max_body: int):
    fault = fault_take(request)
    if fault is None:
        return _answer(view, request, organisation, kwargs, max_body)
    if fault.kind == Fault.Kind.ERROR:
        return problem(500, "Internal Server Error", "An error occurred in Xero (injected fault).")
    if fault.kind == Fault.Kind.SLOW:
        time.sleep(fault.delay)
    response = _answer(view, request, organisation, kwargs, max_body)
    if fault.kind == Fault.Kind.TIMEOUT:
        time.sleep(fault.delay)
    if fault.kind == Fault.Kind.LOST_ANSWER:
        return problem(502, "Bad Gateway", "The connection to Xero was lost (injected fault).")
    return response


def _answer(view, request: HttpRequest, organisation: Organisation, kwargs: dict, max_body: int) -> HttpResponse:
    body = b""
    if request.method in _WRITES:
        body = _read_body(request, max_body)
        if body is None:
            return problem(413, "Request Entity Too Large", f"The request body is larger than {max_body} bytes.")
    call = ApiCall(request=request, organisation=organisation, body=body)
    key = request.headers.get("Idempotency-Key", "")
    if not key or request.method not in _WRITES:
        return _run(view, call, kwargs)
    if len(key) > idempotency.MAX_KEY_LENGTH:
        return problem(400, "Bad Request", "The Idempotency-Key header must be at most 128 characters.")
    try:
        outcome = idempotency.claim_or_replay(
            organisation=organisation,
            key=key,
            request_fingerprint=idempotency.fingerprint(request.method, request.get_full_path(), body),
        )
    except idempotency.KeyMisused as misused:
        return problem(misused.status, "Bad Request" if misused.status == 400 else "Conflict", misused.detail)
    if isinstance(outcome, HttpResponse):
        return outcome
    try:
        response = _run(view, call, kwargs)
    except BaseException:
        idempotency.claim_abandon(outcome)
        raise
    idempotency.claim_complete(outcome, response)
    return response


def _run(view, call: ApiCall, kwargs: dict) -> HttpResponse:
    try:
        return view(call, **kwargs)
    except PostDataInvalid as invalid:
        return post_data_invalid(str(invalid))


def _read_body(request: HttpRequest, limit: int) -> bytes | None:
    """The body, read from the stream: Django's own 2.5 MB cap on `request.body` is below Xero's limits."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _granted_organisation(grant: Grant, tenant_id: str) -> Organisation | None:
    try:
        tenant = uuid.UUID(tenant_id)
    except ValueError:
        return None
    return Organisation.objects.filter(pk=tenant, connections__grant=grant).first()


def _with_quota(response: HttpResponse, quota: ratelimit.Quota) -> HttpResponse:
    for name, value in quota.headers().items():
        response[name] = value
    return response
