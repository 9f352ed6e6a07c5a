"""Bills in another currency than the organisation's: the rate each is converted at, recorded on
the request when it is written, and said in words for its page, its trail and Dext."""

from decimal import Decimal

from approvalmax.currencies.models import ExchangeRate
from approvalmax.currencies.selectors import rate_for
from workflows.models import ApprovalRequest


def request_convert(request: ApprovalRequest) -> None:
    """Record the rate (the latest on or before the bill's date from the organisation's chosen
    source) and the total in the base currency; nothing for a bill in the base currency."""
    found = rate_for(organisation=request.organisation, currency=request.currency, on=request.date)
    request.exchange_rate = found.rate if found else None
    request.exchange_rate_on = found.on if found else None
    request.exchange_rate_source = found.source if found else ""
    request.base_total = (request.total / found.rate).quantize(Decimal("0.01")) if found else None


def conversion_text(request: ApprovalRequest) -> str:
    """"≈ GBP 860.00 at 1 GBP = 1.1628 EUR of 1 Nov 2026 (the rate table)", or why there is none."""
    if not request.is_foreign:
        return ""
    base = request.organisation.base_currency
    if request.base_total is None:
        return (f"No {request.currency} rate on or before {request.date:%d %b %Y}: amount rules compared the bill's "
                f"own total. Add one to the exchange rates.")
    source = ExchangeRate.Source(request.exchange_rate_source).label if request.exchange_rate_source else ""
    return (f"≈ {base} {request.base_total:,.2f} at 1 {base} = {request.exchange_rate.normalize():f} "
            f"{request.currency} of {request.exchange_rate_on:%d %b %Y} ({source.lower()}).")
