"""Writes for exchange rates: the organisation's choice of source, its rate table, and the rates
read from its accounting system."""

from datetime import date
from decimal import Decimal


from approvalmax.core import accounting
from approvalmax.core.accounting_reads import accounting_read
from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.models import Organisation
from approvalmax.currencies.models import ExchangeRate, RatePolicy


def policy_for(organisation: Organisation) -> RatePolicy:
    return RatePolicy.objects.get_or_create(organisation=organisation)[0]


def rate_add(*, organisation: Organisation, currency: str, rate: Decimal, on: date) -> ExchangeRate:
    """A row of the rate table; the same currency and day again replaces that day's rate."""
    currency = currency.upper()
    if currency == organisation.base_currency:
        raise ApplicationError(f"{currency} is the organisation's base currency: it needs no rate.",
                               fields={"currency": "The base currency."})
    found, _ = ExchangeRate.objects.update_or_create(
        organisation=organisation, source=ExchangeRate.Source.TABLE, currency=currency, on=on,
        defaults={"rate": rate})
    return found


def rate_delete(*, organisation: Organisation, rate_id: int) -> None:
    deleted, _ = ExchangeRate.objects.filter(organisation=organisation, source=ExchangeRate.Source.TABLE,
                                             pk=rate_id).delete()
    if not deleted:
        raise ApplicationError("No such rate in the organisation's table.", status_code=404)


def _rates_keep(organisation: Organisation, figures: list) -> int:
    for figure in figures:
        ExchangeRate.objects.update_or_create(
            organisation=organisation, source=ExchangeRate.Source.ACCOUNTING, currency=figure.currency,
            on=figure.on, defaults={"rate": figure.rate})
    return len(figures)


def rates_sync(*, organisation_id: int) -> int | None:
    """Keep the rate the accounting system last applied in each currency, when the organisation
    converts with those. Calls the system: a task's work."""
    organisation = Organisation.objects.get(pk=organisation_id)
    policy = policy_for(organisation)
    if policy.source != ExchangeRate.Source.ACCOUNTING:
        return None
    return accounting_read(policy, read=lambda: accounting.exchange_rates_for(organisation_id),
                           write=lambda figures: _rates_keep(organisation, figures))
