"""The demo organisation, created once: running the seed again changes nothing."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from xero_integration.sandbox.models import (
    Account,
    Budget,
    BudgetBalance,
    Contact,
    Currency,
    Organisation,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)

DEMO_NAME = "Demo Trading Ltd"
DEMO_SHORT_CODE = "!dEm0x"

# (code, name, type, tax type, status)
ACCOUNTS = [
    ("090", "Business Bank Account", "BANK", "NONE", "ACTIVE"),
    ("091", "Business Savings Account", "BANK", "NONE", "ACTIVE"),
    ("200", "Sales", "REVENUE", "OUTPUT2", "ACTIVE"),
    ("310", "Cost of Goods Sold", "DIRECTCOSTS", "INPUT2", "ACTIVE"),
    ("400", "Advertising", "EXPENSE", "INPUT2", "ACTIVE"),
    ("429", "General Expenses", "EXPENSE", "INPUT2", "ACTIVE"),
    ("453", "Office Expenses", "EXPENSE", "INPUT2", "ACTIVE"),
    ("461", "Printing & Stationery", "EXPENSE", "INPUT2", "ACTIVE"),
    ("489", "Telephone & Internet", "EXPENSE", "INPUT2", "ACTIVE"),
    ("800", "Accounts Payable", "CURRLIAB", "NONE", "ACTIVE"),
    ("999", "Old Expenses", "EXPENSE", "INPUT2", "ARCHIVED"),
]
BANK_ACCOUNT_NUMBERS = {"090": "20-00-00 12345678", "091": "20-00-00 87654321"}

_EXPENSES_ONLY = {"can_apply_to_revenue": False}
_REVENUE_ONLY = {"can_apply_to_expenses": False}
# (tax type, name, rate, report tax type, where it applies)
TAX_RATES = [
    ("INPUT2", "20% (VAT on Expenses)", Decimal("20"), "INPUT", _EXPENSES_ONLY),
    ("ZERORATEDINPUT", "Zero Rated Expenses", Decimal("0"), "INPUT", _EXPENSES_ONLY),
    ("EXEMPTINPUT", "Exempt Expenses", Decimal("0"), "EXEMPTINPUT", _EXPENSES_ONLY),
    ("NONE", "No VAT", Decimal("0"), "NONE", {}),
    ("OUTPUT2", "20% (VAT on Income)", Decimal("20"), "OUTPUT", _REVENUE_ONLY),
]

TRACKING = {
    "Region": ["North", "South", "East", "West"],
    "Department": ["Sales", "Operations", "Administration"],
}

# Monthly budgets by account code: overall, and for the North region.
OVERALL_BUDGET = {"429": "1000.00", "453": "500.00", "461": "250.00"}
NORTH_BUDGET = {"429": "400.00"}
SUPPLIERS = ["Acme Supplies Ltd", "Office World", "City Telecom", "Northern Couriers"]
CUSTOMERS = ["Bright Ideas Retail"]
# (code, description, the day's rate to one pound)
CURRENCIES = [("GBP", "British Pound", "1"), ("EUR", "Euro", "1.16"), ("USD", "United States Dollar", "1.27")]


def seed_demo_tenant() -> Organisation:
    return seed_tenant(name=DEMO_NAME, short_code=DEMO_SHORT_CODE)


@transaction.atomic
def seed_tenant(*, name: str, short_code: str) -> Organisation:
    """A tenant with the demo's master data (benches make many)."""
    organisation, _ = Organisation.objects.get_or_create(
        short_code=short_code,
        defaults={
            "name": name,
            "base_currency": "GBP",
            "country_code": "GB",
            "timezone": "GMTSTANDARDTIME",
        },
    )
    for code, description, rate in CURRENCIES:
        Currency.objects.get_or_create(organisation=organisation, code=code,
                                       defaults={"description": description, "rate": Decimal(rate)})
    for tax_type, name, rate, report_tax_type, applies in TAX_RATES:
        TaxRate.objects.get_or_create(
            organisation=organisation,
            tax_type=tax_type,
            defaults={"name": name, "rate": rate, "report_tax_type": report_tax_type, **applies},
        )
    for code, name, account_type, tax_type, status in ACCOUNTS:
        Account.objects.get_or_create(
            organisation=organisation,
            code=code,
            defaults={
                "name": name,
                "type": account_type,
                "tax_type": tax_type,
                "status": status,
                "bank_account_number": BANK_ACCOUNT_NUMBERS.get(code, ""),
            },
        )
    for category_name, option_names in TRACKING.items():
        category, _ = TrackingCategory.objects.get_or_create(organisation=organisation, name=category_name)
        for option_name in option_names:
            TrackingOption.objects.get_or_create(category=category, name=option_name)
    for name in SUPPLIERS:
        Contact.objects.get_or_create(organisation=organisation, name=name, defaults={"is_supplier": True})
    for name in CUSTOMERS:
        Contact.objects.get_or_create(organisation=organisation, name=name, defaults={"is_customer": True})
    _budgets_seed(organisation)
    return organisation


def _budgets_seed(organisation: Organisation) -> None:
    """An overall budget and one for the North region, monthly from a year ago to a year ahead."""
    if organisation.budgets.exists():
        return
    this_month = timezone.localdate().replace(day=1)
    months = [date(this_month.year + (this_month.month - 1 + n) // 12, (this_month.month - 1 + n) % 12 + 1, 1)
              for n in range(-12, 13)]
    north = TrackingOption.objects.get(category__organisation=organisation, category__name="Region", name="North")
    budgets = [(Budget.objects.create(organisation=organisation, type="OVERALL", description="Overall Budget"),
                OVERALL_BUDGET),
               (Budget.objects.create(organisation=organisation, type="TRACKING", description="North region",
                                      tracking=[{"TrackingCategoryID": str(north.category_id), "Name": "Region",
                                                 "TrackingOptionID": str(north.pk), "Option": "North"}]),
                NORTH_BUDGET)]
    accounts = {a.code: a for a in organisation.accounts.all()}
    BudgetBalance.objects.bulk_create(
        BudgetBalance(budget=budget, account=accounts[code], period=month, amount=Decimal(amount))
        for budget, amounts in budgets for code, amount in amounts.items() for month in months)
