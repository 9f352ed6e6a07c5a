"""The one place that speaks HTTP to Xero (identity, connections and the Accounting API).

Every URL comes from settings at call time, so pointing XERO_*_URL elsewhere is enough."""

import base64
import json
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import quote, urlencode

import requests
from django.conf import settings

from approvalmax.core import metrics
from xero_integration.exceptions import (
    XeroAuthError,
    XeroError,
    XeroRateLimited,
    XeroUnavailable,
    XeroValidationError,
)

logger = logging.getLogger(__name__)


def _json_default(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(f"Cannot encode {type(value).__name__}")


def encode_json(payload) -> bytes:
    return json.dumps(payload, default=_json_default, separators=(",", ":")).encode()


def _timeout() -> float:
    return settings.XERO_HTTP_TIMEOUT


def _send(session: requests.Session, method: str, url: str, **kwargs) -> requests.Response:
    try:
        return session.request(method, url, timeout=_timeout(), **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise XeroUnavailable(f"Xero could not be reached: {exc.__class__.__name__}") from exc


def validation_messages(body: dict) -> list[str]:
    """Messages of Xero's ValidationException body, or of one element of a batch answer."""
    messages = [e.get("Message", "") for e in body.get("ValidationErrors") or []]
    for element in body.get("Elements") or []:
        messages += validation_messages(element)
    for key in ("Invoices", "Payments", "BankTransactions", "Contacts"):
        for element in body.get(key) or []:
            messages += validation_messages(element)
    return [m for m in messages if m]


def raise_for_status(response: requests.Response) -> None:
    status = response.status_code
    if status < 400:
        return
    text = response.text[:2000]
    if status == 429:
        retry_after = float(response.headers.get("Retry-After") or 60)
        problem = response.headers.get("X-Rate-Limit-Problem", "minute")
        raise XeroRateLimited(f"Xero's {problem} rate limit was reached.", retry_after=retry_after, problem=problem)
    if status >= 500:
        raise XeroUnavailable(f"Xero answered {status}.", status=status, body=text)
    if status in (401, 403):
        raise XeroAuthError(f"Xero refused the credentials ({status}).", status=status, body=text)
    try:
        body = response.json()
    except ValueError:
        body = {}
    if isinstance(body, dict) and (body.get("Type") == "ValidationException" or body.get("Elements")):
        raise XeroValidationError(validation_messages(body) or [body.get("Message", "")], status=status, body=text)
    message = body.get("Message") or body.get("Detail") or body.get("error") if isinstance(body, dict) else None
    raise XeroError(f"Xero answered {status}: {message or text[:200]}", status=status, body=text)


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str


class XeroIdentity:
    """OAuth2 endpoints: authorize URL, token exchange and refresh, revocation, connections."""

    def __init__(self, session: requests.Session | None = None) -> None:
        self.session = session or requests.Session()

    @staticmethod
    def authorize_url(*, redirect_uri: str, state: str, code_challenge: str) -> str:
        query = urlencode({
            "response_type": "code",
            "client_id": settings.XERO_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": settings.XERO_SCOPES,
            "state": state,
            "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        })
        return f"{settings.XERO_AUTHORIZE_URL}?{query}"

    @staticmethod
    def _basic_auth() -> str:
        pair = f"{settings.XERO_CLIENT_ID}:{settings.XERO_CLIENT_SECRET}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def _token(self, form: dict) -> TokenSet:
        response = _send(self.session, "POST", settings.XERO_TOKEN_URL, data=form,
                         headers={"Authorization": self._basic_auth(), "Accept": "application/json"})
        if response.status_code in (400, 401):
            raise XeroAuthError(f"Xero refused the grant ({response.status_code}).", status=response.status_code)
        raise_for_status(response)
        body = response.json()
        return TokenSet(body["access_token"], body["refresh_token"], int(body.get("expires_in", 1800)),
                        body.get("scope", ""))

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> TokenSet:
        return self._token({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                            "code_verifier": code_verifier})

    def refresh(self, *, refresh_token: str) -> TokenSet:
        return self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def revoke(self, *, refresh_token: str) -> None:
        response = _send(self.session, "POST", settings.XERO_REVOKE_URL, data={"token": refresh_token},
                         headers={"Authorization": self._basic_auth()})
        raise_for_status(response)

    def connections(self, *, access_token: str) -> list[dict]:
        response = _send(self.session, "GET", settings.XERO_CONNECTIONS_URL,
                         headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"})
        raise_for_status(response)
        return response.json()

    def delete_connection(self, *, access_token: str, connection_id: str) -> None:
        response = _send(self.session, "DELETE", f"{settings.XERO_CONNECTIONS_URL}/{connection_id}",
                         headers={"Authorization": f"Bearer {access_token}"})
        if response.status_code != 404:
            raise_for_status(response)


class XeroAccounting:
    """The Accounting API for one tenant with one access token. With a budget
    (`xero_integration.ratebudget.TenantBudget`), every call waits for its turn in the tenant's
    shared budget, and a 429 pauses the tenant for everyone."""

    def __init__(self, *, access_token: str, tenant_id: str, session: requests.Session | None = None,
                 budget=None) -> None:
        self.session = session or requests.Session()
        self.budget = budget
        self.headers = {
            "Authorization": f"Bearer {access_token}",
            "xero-tenant-id": str(tenant_id),
            "Accept": "application/json",
        }

    def _url(self, path: str) -> str:
        return f"{settings.XERO_API_URL.rstrip('/')}/{path}"

    def _call(self, method: str, path: str, *, params=None, body: bytes | None = None,
              content_type: str = "application/json", idempotency_key: str | None = None,
              extra_headers: dict | None = None, raw: bool = False) -> dict:
        headers = dict(self.headers, **(extra_headers or {}))
        if body is not None:
            headers["Content-Type"] = content_type
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key[:128]
        with self.budget.call() if self.budget else nullcontext():
            response = _send(self.session, method, self._url(path), params=params, data=body, headers=headers)
        tenant = self.headers["xero-tenant-id"]
        metrics.increment(metrics.ACCOUNTING_CALLS, system="xero", tenant=tenant)
        if response.status_code == 429:
            metrics.increment(metrics.ACCOUNTING_RATE_LIMITED, system="xero", tenant=tenant)
        if response.status_code == 429 and self.budget:
            self.budget.refused(retry_after=float(response.headers.get("Retry-After") or 60),
                                problem=response.headers.get("X-Rate-Limit-Problem", "minute"))
        if response.status_code == 304:
            return {}
        raise_for_status(response)
        if raw:
            return response
        return response.json() if response.content else {}

    def _get_list(self, path: str, key: str, *, params=None, modified_since: datetime | None = None) -> list[dict]:
        # ISO 8601 in UTC, as Xero's OpenAPI description and SDKs have it (not an HTTP date).
        extra = ({"If-Modified-Since": modified_since.astimezone(UTC).isoformat(timespec="seconds")}
                 if modified_since else None)
        return self._call("GET", path, params=params, extra_headers=extra).get(key, [])

    def organisation(self) -> dict:
        return self._call("GET", "Organisation")["Organisations"][0]

    def contacts(self, *, modified_since: datetime | None = None, page_size: int = 1000) -> list[dict]:
        contacts, page = [], 1
        while True:
            batch = self._get_list("Contacts", "Contacts", modified_since=modified_since,
                                   params={"page": page, "pageSize": page_size, "includeArchived": "true"})
            contacts += batch
            if len(batch) < page_size:
                return contacts
            page += 1

    def accounts(self, *, modified_since: datetime | None = None) -> list[dict]:
        return self._get_list("Accounts", "Accounts", modified_since=modified_since)

    def tax_rates(self, *, modified_since: datetime | None = None) -> list[dict]:
        return self._get_list("TaxRates", "TaxRates", modified_since=modified_since)

    def tracking_categories(self, *, modified_since: datetime | None = None) -> list[dict]:
        return self._get_list("TrackingCategories", "TrackingCategories", modified_since=modified_since,
                              params={"includeArchived": "true"})

    def currencies(self, *, modified_since: datetime | None = None) -> list[dict]:
        return self._get_list("Currencies", "Currencies", modified_since=modified_since)

    def _put_batch(self, path: str, key: str, items: list[dict], idempotency_key: str) -> list[dict]:
        """Always summarizeErrors=false: one bad element fails alone and the rest keep their IDs."""
        body = self._call("PUT", path, params={"summarizeErrors": "false"}, body=encode_json({key: items}),
                          idempotency_key=idempotency_key)
        return body.get(key, [])

    def put_contacts(self, contacts: list[dict], *, idempotency_key: str) -> list[dict]:
        return self._put_batch("Contacts", "Contacts", contacts, idempotency_key)

    def active_contacts(self, *, page_size: int = 1000) -> list[dict]:
        contacts, page = [], 1
        while True:
            batch = self._get_list("Contacts", "Contacts", params={"page": page, "pageSize": page_size})
            contacts += batch
            if len(batch) < page_size:
                return contacts
            page += 1

    def put_invoices(self, invoices: list[dict], *, idempotency_key: str) -> list[dict]:
        return self._put_batch("Invoices", "Invoices", invoices, idempotency_key)

    def get_invoices(self, *, ids: list[str]) -> list[dict]:
        return self._get_list("Invoices", "Invoices", params={"IDs": ",".join(ids)})

    def get_invoice(self, invoice_id: str) -> dict:
        return self._call("GET", f"Invoices/{invoice_id}")["Invoices"][0]

    def _find(self, path: str, key: str, *, params: dict, modified_since: datetime,
              page_size: int = 1000) -> list[dict]:
        """Every page of a filtered list; paged so that Xero answers with full documents (their Url)."""
        found, page = [], 1
        while True:
            batch = self._get_list(path, key, modified_since=modified_since,
                                   params={**params, "page": page, "pageSize": page_size})
            found += batch
            if len(batch) < page_size:
                return found
            page += 1

    def find_invoices(self, *, modified_since: datetime, invoice_number: str = "", contact_id: str = "") -> list[dict]:
        params = {}
        if invoice_number:
            params["InvoiceNumbers"] = invoice_number
        if contact_id:
            params["ContactIDs"] = contact_id
        return self._find("Invoices", "Invoices", params=params, modified_since=modified_since)

    def bills_page(self, *, page: int, page_size: int, statuses: str = "",
                   modified_since: datetime | None = None) -> list[dict]:
        """One page of supplier bills, with their lines (a list without `page` has none)."""
        params = {"where": 'Type=="ACCPAY"', "page": page, "pageSize": page_size, "order": "UpdatedDateUTC"}
        if statuses:
            params["Statuses"] = statuses  # faster than a where on Status, says Xero
        return self._get_list("Invoices", "Invoices", params=params, modified_since=modified_since)

    def update_invoice(self, invoice_id: str, fields: dict, *, idempotency_key: str) -> dict:
        """`POST /Invoices/{id}`: only the fields given change. Returns the invoice as Xero holds it now."""
        body = self._call("POST", f"Invoices/{invoice_id}", params={"summarizeErrors": "false"},
                          body=encode_json({"Invoices": [{"InvoiceID": invoice_id, **fields}]}),
                          idempotency_key=idempotency_key)
        element = (body.get("Invoices") or [{}])[0]
        raise_element_errors(element)
        return element

    def invoice_history(self, invoice_id: str) -> list[dict]:
        return self._call("GET", f"Invoices/{invoice_id}/History").get("HistoryRecords", [])

    def attachments(self, *, endpoint: str, object_id: str) -> list[dict]:
        return self._call("GET", f"{endpoint}/{object_id}/Attachments").get("Attachments", [])

    def attachment_content(self, *, endpoint: str, object_id: str, attachment_id: str) -> bytes:
        return self._call("GET", f"{endpoint}/{object_id}/Attachments/{attachment_id}", raw=True).content

    def find_bank_transactions(self, *, modified_since: datetime) -> list[dict]:
        return self._find("BankTransactions", "BankTransactions", params={}, modified_since=modified_since)

    def latest_bill(self, *, currency: str) -> dict | None:
        """The supplier bill in that currency with the latest date: its CurrencyRate is the rate Xero applied."""
        found = self._get_list("Invoices", "Invoices", params={
            "where": f'Type=="ACCPAY" AND CurrencyCode=="{currency}"', "order": "Date DESC", "page": 1,
            "pageSize": 1})
        return found[0] if found else None

    def budgets(self) -> list[dict]:
        return self._get_list("Budgets", "Budgets")

    def budget_with_lines(self, budget_id: str, *, date_from: date, date_to: date) -> dict:
        params = {"DateFrom": date_from.isoformat(), "DateTo": date_to.isoformat()}
        return self._call("GET", f"Budgets/{budget_id}", params=params)["Budgets"][0]

    def put_credit_notes(self, credit_notes: list[dict], *, idempotency_key: str) -> list[dict]:
        return self._put_batch("CreditNotes", "CreditNotes", credit_notes, idempotency_key)

    def get_credit_note(self, credit_note_id: str) -> dict:
        return self._call("GET", f"CreditNotes/{credit_note_id}")["CreditNotes"][0]

    def find_credit_notes(self, *, modified_since: datetime) -> list[dict]:
        return self._find("CreditNotes", "CreditNotes", params={}, modified_since=modified_since)

    def put_allocation(self, *, credit_note_id: str, allocation: dict, idempotency_key: str) -> dict:
        return self._put_batch(f"CreditNotes/{credit_note_id}/Allocations", "Allocations", [allocation],
                               idempotency_key)[0]

    def put_payments(self, payments: list[dict], *, idempotency_key: str) -> list[dict]:
        return self._put_batch("Payments", "Payments", payments, idempotency_key)

    def put_bank_transactions(self, transactions: list[dict], *, idempotency_key: str) -> list[dict]:
        return self._put_batch("BankTransactions", "BankTransactions", transactions, idempotency_key)

    def put_attachment(self, *, endpoint: str, object_id: str, filename: str, data: bytes,
                       idempotency_key: str) -> dict:
        # As Xero's OpenAPI description has it: octet-stream; Xero types the file by its name.
        path = f"{endpoint}/{object_id}/Attachments/{quote(filename, safe='')}"
        body = self._call("PUT", path, body=data, content_type="application/octet-stream",
                          idempotency_key=idempotency_key)
        return (body.get("Attachments") or [{}])[0]


def raise_element_errors(element: dict) -> None:
    """A batch element with HasErrors becomes a validation error of its own."""
    if element.get("HasErrors") or element.get("StatusAttributeString") == "ERROR":
        raise XeroValidationError(validation_messages(element) or ["Xero refused this item."],
                                  body=json.dumps(element)[:2000])


def deep_link_to_credit_note(*, short_code: str, credit_note_id: str) -> str:
    return (
        "https://go.xero.com/organisationlogin/default.aspx?shortcode="
        f"{quote(short_code, safe='')}&redirecturl=/AccountsPayable/ViewCreditNote.aspx?creditNoteID={credit_note_id}"
    )


def deep_link_to_bill(*, short_code: str, invoice_id: str) -> str:
    return (
        "https://go.xero.com/organisationlogin/default.aspx?shortcode="
        f"{quote(short_code, safe='')}&redirecturl=/AccountsPayable/Edit.aspx?InvoiceID={invoice_id}"
    )
