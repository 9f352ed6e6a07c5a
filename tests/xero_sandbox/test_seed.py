import pytest
from django.core.management import call_command

from xero_integration.sandbox.models import Account, Contact, Organisation, TaxRate, TrackingCategory, TrackingOption
from xero_integration.sandbox.seed import seed_demo_tenant


def _counts() -> list[int]:
    return [
        model.objects.count() for model in (Organisation, Account, TaxRate, TrackingCategory, TrackingOption, Contact)
    ]


@pytest.mark.django_db
def test_seeding_twice_changes_nothing():
    first = seed_demo_tenant()
    counts = _counts()
    assert seed_demo_tenant().pk == first.pk
    assert _counts() == counts
    assert counts == [1, 11, 5, 2, 7, 5]


@pytest.mark.django_db
def test_the_demo_organisation():
    organisation = seed_demo_tenant()
    assert (organisation.name, organisation.short_code, organisation.base_currency) == (
        "Demo Trading Ltd",
        "!dEm0x",
        "GBP",
    )
    assert organisation.country_code == "GB" and organisation.timezone == "GMTSTANDARDTIME"
    assert Account.objects.get(code="999").status == "ARCHIVED"
    assert Account.objects.get(code="091").type == "BANK"
    assert set(Contact.objects.filter(is_supplier=True).values_list("name", flat=True)) == {
        "Acme Supplies Ltd",
        "Office World",
        "City Telecom",
        "Northern Couriers",
    }
    assert Contact.objects.filter(is_customer=True).count() == 1
    assert sorted(organisation.currencies.values_list("code", flat=True)) == ["EUR", "GBP", "USD"]


@pytest.mark.django_db
def test_the_command_seeds(capsys):
    call_command("xero_sandbox_seed")
    call_command("xero_sandbox_seed")
    assert Organisation.objects.count() == 1
    assert "Demo Trading Ltd" in capsys.readouterr().out
