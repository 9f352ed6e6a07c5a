"""The one place that speaks HTTP to QuickBooks Online (Intuit's OAuth 2.0 and the Accounting
API), in the dialect of QBO_FACTS.md. Every URL comes from settings at call time, so pointing
QBO_*_URL elsewhere is enough.

A requests client rather than python-quickbooks: that library keeps one client per process (a
singleton, unsafe for a worker serving many companies), fixes its base URLs in class attributes,
and refreshes tokens itself through intuit-oauth, outside our per-connection lock and rate budget."""

import base64
import json
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlencode

import requests
from django.conf import settings

from approvalmax.core import metrics
from quickbooks_integration.exceptions import (
    QuickBooksAuthError,
    QuickBooksError,
    QuickBooksFault,
    QuickBooksRateLimited,
    QuickBooksUnavailable,
)

MINOR_VERSION = "75"
PAGE_SIZE = 1000
# Change data capture reaches 30 days back (one day's margin here) and answers 1,000 objects at most.
CDC_DAYS = 29
CDC_MAX_OBJECTS = 1000
REQUEST_ID_MAX = 50


def encode_json(payload) -> bytes:
    return json.dumps(payload, default=lambda v: float(v) if isinstance(v, Decimal) else str(v),
                      separators=(",", ":")).encode()


def _send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    try:
        return session.request(method, url, timeout=settings.QBO_HTTP_TIMEOUT, **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise QuickBooksUnavailable(f"QuickBooks Online could not be reached: {exc.__class__.__name__}") from exc


def fault_of(body) -> QuickBooksFault | None:
    """The Fault in an answer's body, whatever the HTTP status; None when there is none."""
    if not isinstance(body, dict):
        return None
    fault = body.get("Fault") or body.get("fault")
    if not isinstance(fault, dict):
        return None
    errors = fault.get("Error") or fault.get("error") or []
    messages, codes = [], []
    for error in errors:
        message = error.get("Message") or error.get("message") or ""
        detail = error.get("Detail") or error.get("detail") or ""
        messages.append(f"{message}: {detail}" if detail and detail != message else message)
        codes.append(str(error.get("code", "")))
    return QuickBooksFault(messages or ["QuickBooks Online refused the request."],
                           kind=fault.get("type", ""), codes=codes, body=json.dumps(body)[:2000])


def raise_for_answer(response: requests.Response) -> dict:
    """The body of a good answer; the right exception otherwise, a Fault inside an HTTP 200 too."""
    status = response.status_code
    if status == 429:
        raise QuickBooksRateLimited("QuickBooks Online's rate limit was reached.",
                                    retry_after=float(response.headers.get("Retry-After") or 60))
    if status >= 500:
        raise QuickBooksUnavailable(f"QuickBooks Online answered {status}.", status=status, body=response.text[:2000])
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = None
    fault = fault_of(body)
    if status in (401, 403):
        raise QuickBooksAuthError(f"QuickBooks Online refused the credentials ({status}).", status=status,
                                  body=response.text[:2000], fault_code=fault.fault_code if fault else "")
    if fault is not None:
        fault.status = status
        if "3001" in fault.codes:
            raise QuickBooksRateLimited("QuickBooks Online throttled the request.", retry_after=60.0)
        raise fault
    if status >= 400 or body is None:
        raise QuickBooksError(f"QuickBooks Online answered {status}.", status=status, body=response.text[:2000])
    return body


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_token_expires_in: int


class IntuitIdentity:
    """Intuit's OAuth 2.0: the authorize URL, code exchange, refresh and revocation."""

    def __init__(self, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()

    @staticmethod
    def authorize_url(*, redirect_uri: str, state: str) -> str:
        query = urlencode({"client_id": settings.QBO_CLIENT_ID, "response_type": "code",
                           "scope": settings.QBO_SCOPES, "redirect_uri": redirect_uri, "state": state})
        return f"{settings.QBO_AUTHORIZE_URL}?{query}"

    @staticmethod
    def _basic_auth() -> str:
        pair = f"{settings.QBO_CLIENT_ID}:{settings.QBO_CLIENT_SECRET}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def _token(self, form: dict) -> TokenSet:
        response = _send(self.session, "POST", settings.QBO_TOKEN_URL, data=form,
                         headers={"Authorization": self._basic_auth(), "Accept": "application/json"})
        if response.status_code in (400, 401):
            raise QuickBooksAuthError(f"Intuit refused the grant ({response.status_code}).",
                                      status=response.status_code)
        body = raise_for_answer(response)
        return TokenSet(body["access_token"], body["refresh_token"], int(body.get("expires_in", 3600)),
                        int(body.get("x_refresh_token_expires_in", 0)))

    def exchange_code(self, *, code: str, redirect_uri: str) -> TokenSet:
        return self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, *, token: str) -> None:
        response = _send(self.session, "POST", settings.QBO_REVOKE_URL, data=encode_json({"token": token}),
                         headers={"Authorization": self._basic_auth(), "Accept": "application/json",
                                  "Content-Type": "application/json"})
        if response.status_code >= 400:
            raise_for_answer(response)


class QuickBooksAccounting:
    """The Accounting API for one realm with one access token. With a budget
    (`quickbooks_integration.ratebudget.RealmBudget`), every call waits for its turn in the
    realm's shared budget, and a 429 pauses the realm for everyone."""

    def __init__(self, *, access_token: str, realm_id: str, session: requests.Session | None = None,
                 budget=None, refresh: Callable[[], str] | None = None) -> None:
        self.session = session or requests.Session()
        self.realm_id = realm_id
        self.budget = budget
        # Called once when QBO says the token has expired (401): returns a fresh access token.
        self.refresh = refresh
        self.headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}

    def _url(self, path: str) -> str:
        return f"{settings.QBO_API_URL.rstrip('/')}/v3/company/{self.realm_id}/{path}"

    def _call(self, method: str, path: str, *, params: dict | None = None, body: bytes | None = None,
              content_type: str = "application/json", request_id: str = "", batch: bool = False,
              files=None) -> dict:
        params = {**(params or {}), "minorversion": MINOR_VERSION}
        if request_id:
            if len(request_id) > REQUEST_ID_MAX:
                raise ValueError(f"A requestid has at most {REQUEST_ID_MAX} characters: {request_id!r}")
            params["requestid"] = request_id
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = content_type
        response = self._send_counted(method, path, params=params, body=body, files=files, headers=headers,
                                      batch=batch)
        if response.status_code == 401 and self.refresh:
            # An expired token: refresh once, then send the same request (and requestid) again.
            self.headers["Authorization"] = headers["Authorization"] = f"Bearer {self.refresh()}"
            response = self._send_counted(method, path, params=params, body=body, files=files, headers=headers,
                                          batch=batch)
        return raise_for_answer(response)

    def _send_counted(self, method: str, path: str, *, params, body, files, headers, batch: bool):
        budget = self.budget.for_batches() if batch and self.budget else self.budget
        with budget.call() if budget else nullcontext():
            response = _send(self.session, method, self._url(path), params=params, data=body, files=files,
                             headers=headers)
        metrics.increment(metrics.ACCOUNTING_CALLS, system="quickbooks", tenant=self.realm_id)
        if response.status_code == 429:
            metrics.increment(metrics.ACCOUNTING_RATE_LIMITED, system="quickbooks", tenant=self.realm_id)
            if self.budget:
                self.budget.refused(retry_after=float(response.headers.get("Retry-After") or 60))
        return response

    def company_info(self) -> dict:
        return self._call("GET", f"companyinfo/{self.realm_id}")["CompanyInfo"]

    def preferences(self) -> dict:
        return self._call("GET", "preferences")["Preferences"]

    def query(self, statement: str) -> dict:
        return self._call("GET", "query", params={"query": statement}).get("QueryResponse", {})

    def query_all(self, entity: str, where: str = "") -> list[dict]:
        """Every row, a page of 1,000 at a time (STARTPOSITION counts from 1)."""
        rows, start = [], 1
        condition = f" where {where}" if where else ""
        while True:
            page = self.query(f"select * from {entity}{condition} STARTPOSITION {start} MAXRESULTS {PAGE_SIZE}")
            batch = page.get(entity, [])
            rows += batch
            if len(batch) < PAGE_SIZE:
                return rows
            start += PAGE_SIZE

    def changes(self, entities: list[str], since: datetime) -> dict[str, list[dict]]:
        """CDC: what changed since then, per entity (deleted rows carry `status: Deleted`)."""
        body = self._call("GET", "cdc", params={"entities": ",".join(entities),
                                                "changedSince": since.isoformat(timespec="seconds")})
        found = {entity: [] for entity in entities}
        for answer in body.get("CDCResponse", []):
            for response in answer.get("QueryResponse", []):
                for entity in entities:
                    found[entity] += response.get(entity, [])
        return found

    def create(self, entity: str, payload: dict, *, request_id: str) -> dict:
        return self._call("POST", entity.lower(), body=encode_json(payload), request_id=request_id)[entity]

    def get(self, entity: str, entity_id: str) -> dict:
        return self._call("GET", f"{entity.lower()}/{entity_id}")[entity]

    def batch(self, items: list[dict], *, request_id: str) -> list[dict]:
        """Up to QBO_BATCH_MAX operations in one call; each answer carries its `bId`, and a Fault
        of its own when that operation failed."""
        body = self._call("POST", "batch", body=encode_json({"BatchItemRequest": items}), request_id=request_id,
                          batch=True)
        return body.get("BatchItemResponse", [])

    def upload(self, *, entity: str, entity_id: str, filename: str, content_type: str, data: bytes,
               request_id: str) -> dict:
        metadata = {"AttachableRef": [{"EntityRef": {"type": entity, "value": entity_id}}],
                    "FileName": filename, "ContentType": content_type}
        files = {"file_metadata_01": (None, json.dumps(metadata), "application/json"),
                 "file_content_01": (filename, data, content_type)}
        answer = self._call("POST", "upload", files=files, request_id=request_id)
        attachable = (answer.get("AttachableResponse") or [{}])[0]
        fault = fault_of(attachable)
        if fault is not None:
            raise fault
        return attachable.get("Attachable", {})


def deep_link(*, entity: str, entity_id: str) -> str:
    """Where a person opens the bill (or the expense, for a purchase) in QuickBooks Online."""
    page = {"Bill": "bill", "VendorCredit": "vendorcredit"}.get(entity, "expense")
    return f"{settings.QBO_APP_URL.rstrip('/')}/app/{page}?txnId={entity_id}"
