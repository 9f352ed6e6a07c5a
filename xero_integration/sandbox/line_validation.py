"""Xero's rules for a document's lines: amounts, accounts, tax rates and tracking, with its messages."""

from decimal import Decimal

from xero_integration.sandbox.amounts import line_amount, line_tax
from xero_integration.sandbox.clean import Chart, CleanLine
from xero_integration.sandbox.models import Account, TaxRate, TrackingCategory
from xero_integration.sandbox.validation_errors import Errors

MAX_TRACKING_PER_LINE = 2
# Larger line totals would not fit the ledger's columns once summed.
MAX_LINE_AMOUNT = Decimal(10) ** 12


def invoice_lines(
    raw_lines: list[dict],
    chart: Chart,
    line_amount_types: str,
    *,
    unit_dp: int,
    accounts_required: bool,
    errors: Errors,
) -> list[CleanLine]:
    return [
        _line(raw, chart, line_amount_types, unit_dp=unit_dp, accounts_required=accounts_required, errors=errors)
        for raw in raw_lines
        if raw is not None
    ]


def _line(
    raw: dict, chart: Chart, line_amount_types: str, *, unit_dp: int, accounts_required: bool, errors: Errors
) -> CleanLine:
    description = raw.get("Description") or ""
    if not description.strip():
        errors.add("The description field is mandatory for each line item.")
    errors.check_lengths(raw, "Description")
    quantity = raw.get("Quantity")
    quantity = Decimal(1) if quantity is None else quantity.quantize(Decimal("0.0001"))
    unit_amount = raw.get("UnitAmount")
    given_line_amount = raw.get("LineAmount")
    if unit_amount is None:
        unit_amount = given_line_amount / quantity if given_line_amount is not None and quantity else Decimal(0)
    unit_amount = unit_amount.quantize(Decimal(1).scaleb(-unit_dp))
    amount = line_amount(quantity, unit_amount)
    if abs(amount) >= MAX_LINE_AMOUNT:
        errors.add("The line total is too large.")
    if given_line_amount is not None and given_line_amount != amount:
        errors.add(f"The line total {given_line_amount} does not match the expected line total {amount}")

    account = _line_account(raw, chart, accounts_required, errors)
    tax_type = raw.get("TaxType") or (account.tax_type if account else "") or "NONE"
    rate = chart.tax_rates.get(tax_type)
    if rate is None or rate.status != TaxRate.Status.ACTIVE:
        errors.add(f"The TaxType code '{tax_type}' does not exist or cannot be used for this type of transaction.")
        rate_percent = Decimal(0)
    else:
        rate_percent = rate.rate
        if account is not None and not rate.applies_to(account.account_class):
            errors.add(f"The TaxType code '{tax_type}' cannot be used with account code '{account.code}'.")
    return CleanLine(
        description=description,
        quantity=quantity,
        unit_amount=unit_amount,
        account=account,
        tax_type=tax_type,
        line_amount=amount,
        tax_amount=line_tax(amount, rate_percent, line_amount_types),
        tracking=_tracking(raw.get("Tracking") or [], chart, errors),
    )


def _line_account(raw: dict, chart: Chart, required: bool, errors: Errors) -> Account | None:
    code = raw.get("AccountCode")
    if raw.get("AccountID"):
        account = chart.accounts_by_id.get(raw["AccountID"])
        code = account.code if account else str(raw["AccountID"])
    elif code:
        account = chart.accounts_by_code.get(code)
    else:
        if required:
            errors.add("An account code must be specified for each line item.")
        return None
    # Bank accounts take payments; they are not a valid code for a document's lines.
    if account is None or account.type == "BANK":
        errors.add(f"Account code '{code}' is not a valid code for this document.")
        return None
    if account.status != Account.Status.ACTIVE:
        errors.add(
            f"Account code '{code}' has been archived, or has been deleted. "
            "Each line item must reference a valid account."
        )
        return None
    return account


def _tracking(raw_tracking: list[dict], chart: Chart, errors: Errors) -> list[dict]:
    entries = [entry for entry in raw_tracking if entry]
    if len(entries) > MAX_TRACKING_PER_LINE:
        errors.add("A line item can have at most 2 tracking categories.")
        return []
    active = [category for category in chart.categories if category.status == TrackingCategory.Status.ACTIVE]
    chosen = []
    for entry in entries:
        category = next(
            (
                c
                for c in active
                if (entry.get("TrackingCategoryID") and c.tracking_category_id == entry["TrackingCategoryID"])
                or (not entry.get("TrackingCategoryID") and c.name == entry.get("Name"))
            ),
            None,
        )
        if category is None:
            errors.add(f"The TrackingCategory '{entry.get('Name') or entry.get('TrackingCategoryID')}' is not valid")
            continue
        option = next(
            (
                o
                for o in category.options.all()
                if o.status == TrackingCategory.Status.ACTIVE
                and (
                    (entry.get("TrackingOptionID") and o.tracking_option_id == entry["TrackingOptionID"])
                    or (not entry.get("TrackingOptionID") and o.name == entry.get("Option"))
                )
            ),
            None,
        )
        if option is None:
            errors.add(
                f"The TrackingOption '{entry.get('Option') or entry.get('TrackingOptionID') or ''}' "
                f"is not valid for TrackingCategory '{category.name}'"
            )
            continue
        if any(item["TrackingCategoryID"] == str(category.tracking_category_id) for item in chosen):
            errors.add(f"The TrackingCategory '{category.name}' can only be used once per line item.")
            continue
        chosen.append(
            {
                "Name": category.name,
                "Option": option.name,
                "TrackingCategoryID": str(category.tracking_category_id),
                "TrackingOptionID": str(option.tracking_option_id),
            }
        )
    return chosen
