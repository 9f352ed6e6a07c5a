from datetime import date

from approvalmax.currencies.models import ExchangeRate, RatePolicy
from approvalmax.core.models import Organisation


def rate_for(*, organisation: Organisation, currency: str, on: date) -> ExchangeRate | None:
    """The rate a bill of that currency and date is converted at: the latest on or before its
    date from the organisation's chosen source; None for its base currency or when there is none."""
    if currency == organisation.base_currency:
        return None
    policy = RatePolicy.objects.filter(organisation=organisation).values_list("source", flat=True).first()
    return (ExchangeRate.objects.filter(organisation=organisation, currency=currency, on__lte=on,
                                        source=policy or ExchangeRate.Source.TABLE)
            .order_by("-on", "-pk").first())
