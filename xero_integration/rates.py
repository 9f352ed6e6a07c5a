"""The rate Xero applied to the organisation's latest supplier bill in each of its other currencies."""

from datetime import date
from decimal import Decimal

from approvalmax.core.accounting import RateFigure, RatesUnavailable
from xero_integration.exceptions import XeroAuthError
from xero_integration.services.connection import accounting_for


def xero_rates(organisation_id: int) -> list[RateFigure]:
    client, connection = accounting_for(organisation_id=organisation_id)
    base = connection.organisation.base_currency
    figures = []
    try:
        for currency in client.currencies():
            code = currency.get("Code")
            if not code or code == base:
                continue
            bill = client.latest_bill(currency=code)
            rate = Decimal(str(bill.get("CurrencyRate") or 0)) if bill else Decimal(0)
            if rate > 0:
                figures.append(RateFigure(code, rate, date.fromisoformat(bill["DateString"][:10])))
    except XeroAuthError:
        raise RatesUnavailable("Xero refused to show its bills: reconnect Xero.") from None
    return figures
