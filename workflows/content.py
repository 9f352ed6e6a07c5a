"""The content of a request revision as adapters hand it to the engine."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property

from approvalmax.core.models import Account, Supplier, TaxRate, TrackingOption


@dataclass(frozen=True)
class LineContent:
    description: str
    quantity: Decimal
    unit_amount: Decimal
    account: Account
    tax_rate: TaxRate | None
    line_amount: Decimal
    tax_amount: Decimal
    tracking: list[TrackingOption] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentContent:
    filename: str
    content_type: str
    data: bytes

    @cached_property
    def sha256(self) -> str:
        """Hex digest of the data: read for the push's fingerprint and again for the stored file."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class RequestContent:
    kind: str
    supplier_name: str
    supplier: Supplier | None
    invoice_number: str
    date: date
    due_date: date | None
    currency: str
    tax_treatment: str  # approvalmax.core.money.TaxTreatment
    lines: list[LineContent]
    sub_total: Decimal
    tax_total: Decimal
    total: Decimal
    is_paid: bool
    payment_method_name: str
    payment_account: Account | None
    source_system: str
    source_reference: str
    source_url: str
    requester_name: str
    requester_email: str
