"""What validation hands the ledger: the organisation's chart as validation reads it, and each
document in typed, checked form; and the refusal, with Xero's messages."""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from xero_integration.sandbox.amounts import Totals
from xero_integration.sandbox.models import Account, Contact, Organisation, TaxRate, TrackingCategory


class ValidationFailed(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class Chart:
    """An organisation's reference data, loaded once per request."""

    organisation: Organisation
    accounts_by_code: dict[str, Account]
    accounts_by_id: dict[uuid.UUID, Account]
    tax_rates: dict[str, TaxRate]
    categories: list[TrackingCategory]
    currencies: set[str]
    day_rates: dict[str, Decimal]


def load_chart(organisation: Organisation) -> Chart:
    accounts = list(organisation.accounts.all())
    return Chart(
        organisation=organisation,
        accounts_by_code={account.code: account for account in accounts},
        accounts_by_id={account.account_id: account for account in accounts},
        tax_rates={rate.tax_type: rate for rate in organisation.tax_rates.all()},
        categories=list(organisation.tracking_categories.prefetch_related("options")),
        currencies=set(organisation.currencies.values_list("code", flat=True)),
        day_rates=dict(organisation.currencies.values_list("code", "rate")),
    )


@dataclass
class CleanLine:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account: Account | None
    tax_type: str
    line_amount: Decimal
    tax_amount: Decimal
    tracking: list[dict]


@dataclass
class ContactChoice:
    """An existing contact, or the name of one to create with the document."""

    existing: Contact | None = None
    new_name: str = ""


@dataclass
class CleanInvoice:
    type: str
    contact: ContactChoice
    date: date
    due_date: date | None
    status: str
    line_amount_types: str
    currency_code: str
    currency_rate: Decimal
    invoice_number: str
    reference: str
    url: str
    lines: list[CleanLine]
    totals: Totals


@dataclass
class CleanBankTransaction:
    type: str
    contact: ContactChoice
    bank_account: Account
    date: date
    status: str
    line_amount_types: str
    currency_code: str
    reference: str
    url: str
    lines: list[CleanLine]
    totals: Totals


@dataclass
class CleanPayment:
    invoice_id: uuid.UUID | None
    invoice_number: str
    account: Account
    date: date
    amount: Decimal
    reference: str
    currency_rate: Decimal | None = None  # given for a foreign invoice's payment; else the invoice's
