"""The administrators' exchange rates page: the source, the rate table, and nobody else's."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from approvalmax.currencies.models import ExchangeRate, RatePolicy
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _url(organisation, name="currencies:rates", *args):
    return reverse(name, args=[organisation.slug, *args])


def test_only_administrators_of_the_organisation_reach_it(client, organisation, approver, outsider, administrator):
    client.force_login(outsider)
    assert client.get(_url(organisation)).status_code == 404
    client.force_login(approver)
    assert client.get(_url(organisation)).status_code == 403
    client.force_login(administrator)
    assert "No rates yet" in client.get(_url(organisation)).content.decode()


def test_a_rate_is_added_replaced_the_same_day_and_removed(client, organisation, administrator):
    client.force_login(administrator)

    client.post(_url(organisation, "currencies:add"), {"currency": "eur", "rate": "1.16", "on": "2026-11-01"})
    client.post(_url(organisation, "currencies:add"), {"currency": "EUR", "rate": "1.17", "on": "2026-11-01"})

    [rate] = ExchangeRate.objects.all()
    assert (rate.currency, rate.rate, rate.on, rate.source) == ("EUR", Decimal("1.17"), date(2026, 11, 1), "table")
    assert "1.17" in client.get(_url(organisation)).content.decode()
    client.post(_url(organisation, "currencies:delete", rate.pk))
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize("data", [
    {"currency": "GBP", "rate": "1", "on": "2026-11-01"},      # the base currency
    {"currency": "EURO", "rate": "1", "on": "2026-11-01"},
    {"currency": "EUR", "rate": "0", "on": "2026-11-01"},
    {"currency": "EUR", "rate": "lots", "on": "2026-11-01"},
    {"currency": "EUR", "rate": "1", "on": "someday"},
])
def test_a_bad_rate_is_refused_and_changes_nothing(client, organisation, administrator, data):
    client.force_login(administrator)

    response = client.post(_url(organisation, "currencies:add"), data)

    assert response.status_code == 400 and "Error:" in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_another_organisations_rate_cannot_be_removed(client, organisation, administrator):
    elsewhere = MembershipFactory().organisation
    theirs = ExchangeRate.objects.create(organisation=elsewhere, currency="EUR", rate=1, on=date(2026, 1, 1),
                                         source="table")
    client.force_login(administrator)

    response = client.post(_url(organisation, "currencies:delete", theirs.pk))

    assert response.status_code == 404 and ExchangeRate.objects.filter(pk=theirs.pk).exists()


def test_the_source_is_saved(client, organisation, administrator):
    client.force_login(administrator)

    client.post(_url(organisation), {"source": "accounting"})

    assert RatePolicy.objects.get(organisation=organisation).source == "accounting"
