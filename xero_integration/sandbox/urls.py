"""Mounted at /sandbox/xero/: identity.xero.com, api.xero.com and a few pages, under one prefix."""

from django.urls import path, re_path

from approvalmax.core.decorators import member_required
from xero_integration.sandbox import accounting, bill_pages, budgets, credit_notes, history, identity, pages

app_name = "xero_sandbox"


def _any_case(word: str) -> str:
    # Xero's endpoint names are case-insensitive; inline regex flags would break Django's reverse().
    return "".join(f"[{letter.upper()}{letter.lower()}]" if letter.isalpha() else letter for letter in word)


def _api(pattern: str, view, name: str, extra: dict | None = None):
    return re_path(rf"^api\.xro/2\.0/{pattern}$", view, extra, name=name)


def _attachments(endpoint: str) -> list:
    base = rf"{_any_case(endpoint)}/(?P<parent_id>[^/]+)/{_any_case('Attachments')}"
    extra = {"endpoint": endpoint}
    return [
        _api(base, accounting.attachments, f"{endpoint}-attachments", extra),
        _api(rf"{base}/(?P<file_name>.+)", accounting.attachments, f"{endpoint}-attachment", extra),
    ]


urlpatterns = [
    # Pages need a member; the OAuth and API endpoints authenticate as Xero's do.
    path("", member_required(pages.home), name="home"),
    path("organisations/<uuid:tenant_id>/bills/<uuid:invoice_id>/", member_required(pages.bill), name="bill"),
    path("organisations/<uuid:tenant_id>/bills/new/", member_required(bill_pages.bill_new), name="bill_new"),
    path("organisations/<uuid:tenant_id>/bills/<uuid:invoice_id>/edit/", member_required(bill_pages.bill_edit),
         name="bill_edit"),
    path("attachments/<uuid:attachment_id>/", member_required(pages.attachment), name="attachment"),
    path("identity/connect/authorize", member_required(identity.authorize), name="authorize"),
    path("identity/connect/token", identity.token, name="token"),
    path("identity/connect/revocation", identity.revocation, name="revocation"),
    re_path(rf"^{_any_case('connections')}$", identity.connections, name="connections"),
    re_path(rf"^{_any_case('connections')}/(?P<connection_id>[^/]+)$", identity.connection, name="connection"),
    _api(_any_case("Organisation"), accounting.organisation, "organisation"),
    _api(_any_case("Accounts"), accounting.accounts, "accounts"),
    _api(_any_case("TaxRates"), accounting.tax_rates, "tax-rates"),
    _api(_any_case("TrackingCategories"), accounting.tracking_categories, "tracking-categories"),
    _api(_any_case("Currencies"), accounting.currencies, "currencies"),
    _api(_any_case("Contacts"), accounting.contacts, "contacts"),
    _api(rf"{_any_case('Contacts')}/(?P<contact_id>[^/]+)", accounting.contact, "contact"),
    _api(_any_case("Invoices"), accounting.invoices, "invoices"),
    _api(rf"{_any_case('Invoices')}/(?P<invoice_id>[^/]+)", accounting.invoice, "invoice"),
    _api(rf"{_any_case('Invoices')}/(?P<invoice_id>[^/]+)/{_any_case('History')}", history.invoice_history,
         "invoice-history"),
    *_attachments("Invoices"),
    _api(_any_case("CreditNotes"), credit_notes.credit_notes, "credit-notes"),
    _api(rf"{_any_case('CreditNotes')}/(?P<credit_note_id>[^/]+)", credit_notes.credit_note, "credit-note"),
    _api(rf"{_any_case('CreditNotes')}/(?P<credit_note_id>[^/]+)/{_any_case('Allocations')}",
         credit_notes.allocations, "credit-note-allocations"),
    *_attachments("CreditNotes"),
    *_attachments("BankTransactions"),
    _api(_any_case("Payments"), accounting.payments, "payments"),
    _api(_any_case("Budgets"), budgets.budgets, "budgets"),
    _api(rf"{_any_case('Budgets')}/(?P<budget_id>[^/]+)", budgets.budget, "budget"),
    _api(_any_case("BankTransactions"), accounting.bank_transactions, "bank-transactions"),
    _api(
        rf"{_any_case('BankTransactions')}/(?P<bank_transaction_id>[^/]+)",
        accounting.bank_transaction,
        "bank-transaction",
    ),
]
