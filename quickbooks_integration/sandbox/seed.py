"""A non-US company by default (GBP, VAT codes), as QBO_FACTS.md asks: vendors, a chart of
accounts with bank and credit card accounts, VAT codes with their rates, classes, departments."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from quickbooks_integration.sandbox import store
from quickbooks_integration.sandbox.models import Company

DEMO_REALM = "9341453050478362"
DEMO_NAME = "Demo Services Ltd"

ACCOUNTS = [
    ("Office Expenses", "Expense", "OfficeGeneralAdministrativeExpenses", "429"),
    ("Travel", "Expense", "Travel", "493"),
    ("Cost of sales", "Cost of Goods Sold", "SuppliesMaterialsCogs", "310"),
    ("Business Current Account", "Bank", "Checking", "090"),
    ("Company Credit Card", "Credit Card", "CreditCard", "091"),
    ("Accounts Payable (Creditors)", "Accounts Payable", "AccountsPayable", "800"),
]
TAX_CODES = [("20.0% S", "Standard rate purchases", 20), ("5.0% R", "Reduced rate purchases", 5),
             ("0.0% Z", "Zero-rated purchases", 0), ("No VAT", "Outside the scope of VAT", 0)]
VENDORS = [("Acme Supplies Ltd", "accounts@acme.example"), ("Northern Rail", ""),
           ("Stationery Direct", "hello@stationery.example")]
CLASSES = ["Consulting", "Training"]
DEPARTMENTS = ["London", "Manchester"]
BUDGET_OVERALL, BUDGET_CONSULTING = 800, 300


@transaction.atomic
def company_seed(*, realm_id: str = DEMO_REALM, name: str = DEMO_NAME) -> tuple[Company, bool]:
    """The company with its lists; an existing company of that realm is left as it is."""
    company, created = Company.objects.get_or_create(realm_id=realm_id, defaults={"name": name})
    if not created:
        return company, False
    for account_name, account_type, sub_type, number in ACCOUNTS:
        store.create(company, "Account", {"Name": account_name, "AcctNum": number, "AccountType": account_type,
                                          "AccountSubType": sub_type, "Active": True,
                                          "CurrencyRef": {"value": company.home_currency},
                                          "Classification": "Expense" if account_type in {
                                              "Expense", "Cost of Goods Sold"} else "Asset"})
    for code_name, description, rate in TAX_CODES:
        rate_row = store.create(company, "TaxRate", {"Name": f"{code_name} (Purchase)", "RateValue": rate,
                                                     "Active": True})
        store.create(company, "TaxCode", {
            "Name": code_name, "Description": description, "Active": True, "Taxable": rate > 0,
            "PurchaseTaxRateList": {"TaxRateDetail": [{"TaxRateRef": {"value": rate_row["Id"]}}]},
            "SalesTaxRateList": {"TaxRateDetail": []}})
    for vendor_name, email in VENDORS:
        store.create(company, "Vendor", {"DisplayName": vendor_name, "CompanyName": vendor_name, "Active": True,
                                         "Balance": 0, "CurrencyRef": {"value": company.home_currency},
                                         **({"PrimaryEmailAddr": {"Address": email}} if email else {})})
    for class_name in CLASSES:
        store.create(company, "Class", {"Name": class_name, "FullyQualifiedName": class_name, "Active": True,
                                        "SubClass": False})
    for department_name in DEPARTMENTS:
        store.create(company, "Department", {"Name": department_name, "FullyQualifiedName": department_name,
                                             "Active": True, "SubDepartment": False})
    _budget_seed(company)
    return company, True


def _budget_seed(company: Company) -> None:
    """This year's monthly profit-and-loss budget: Office Expenses overall, and for the Consulting class."""
    year = timezone.localdate().year
    office = next(a for a in store.of_kind(company, "Account") if a["AcctNum"] == "429")
    consulting = next(c for c in store.of_kind(company, "Class") if c["Name"] == "Consulting")
    details = []
    for month in range(1, 13):
        day = date(year, month, 1).isoformat()
        details.append({"BudgetDate": day, "Amount": BUDGET_OVERALL,
                        "AccountRef": {"value": office["Id"], "name": office["Name"]}})
        details.append({"BudgetDate": day, "Amount": BUDGET_CONSULTING,
                        "AccountRef": {"value": office["Id"], "name": office["Name"]},
                        "ClassRef": {"value": consulting["Id"], "name": consulting["Name"]}})
    store.create(company, "Budget", {"Name": f"Budget {year}", "StartDate": f"{year}-01-01",
                                     "EndDate": f"{year}-12-31", "BudgetType": "ProfitAndLoss",
                                     "BudgetEntryType": "Monthly", "Active": True, "BudgetDetail": details})
