"""What a cost item says, in our terms: its master data found (or named as unknown), its
arithmetic checked, and the request content it becomes."""

import hashlib
from decimal import Decimal

from django.db import transaction
from django.db.models import F

from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.models import (
    Account,
    MasterDataList,
    Organisation,
    Supplier,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)
from approvalmax.core.money import TaxTreatment, bill_totals, line_amount, line_tax
from approvalmax.core.signals import master_data_changed, send_on_commit
from approvalmax.core.versioned_reads import read_through
from dext_integration.exceptions import AmountsMismatch, UnknownReferences, UnsupportedType
from workflows.content import LineContent, RequestContent
from workflows.models import ApprovalRequest
from workflows.selectors import required_tracking_categories

SOURCE_SYSTEM = "dext"
Kind = ApprovalRequest.Kind
# Dext's words for whether amounts include tax (INTERFACES.md §3), in ours.
TAX_TREATMENTS = {"Exclusive": TaxTreatment.EXCLUSIVE, "Inclusive": TaxTreatment.INCLUSIVE,
                  "NoTax": TaxTreatment.NO_TAX}
# What the columns hold: 12 digits before the decimal point for amounts.
MAX_AMOUNT = Decimal(10) ** 12


def transaction_lock(name: str) -> None:
    """Held until the transaction ends. SQLite's immediate transactions serialise anyway."""
    database = transaction.get_connection()
    if database.vendor != "postgresql":
        return
    digest = hashlib.sha256(name.encode()).digest()
    with database.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def item_kind(item: dict) -> Kind:
    if item["publish_to"] == "bank_transaction":
        return Kind.SPEND_MONEY
    return Kind.CREDIT_NOTE if item["type"] == "credit_note" else Kind.BILL


def _by_name(suppliers, name: str) -> Supplier | None:
    """The accounting system's supplier of that name before one introduced here."""
    return suppliers.filter(name=name).order_by(F("external_id").asc(nulls_last=True), "pk").first()


def _known_supplier(organisation: Organisation, kind: str, key: str) -> Supplier | None:
    """The active supplier of that name ("name") or external id ("id"), as the process last read it."""

    def load(keys: set) -> dict:
        suppliers = Supplier.objects.active().filter(organisation=organisation)
        found = _by_name(suppliers, key) if kind == "name" else suppliers.filter(external_id=key).first()
        return {key: found}

    return read_through(organisation, f"supplier-{kind}", [key], load).get(key)


def _supplier(organisation: Organisation, item: dict, unknown: dict) -> tuple[str, Supplier | None]:
    if item["type"] == "expense_report":
        name = f"{item['owner']['name']} - Expense report"
        return name, _known_supplier(organisation, "name", name)
    given = item["supplier"]
    if given["xero_contact_id"] is not None:
        supplier = _known_supplier(organisation, "id", str(given["xero_contact_id"]))
        if supplier is None:
            unknown["supplier.xero_contact_id"] = f"No active supplier {given['xero_contact_id']}."
            return given["name"], None
        return supplier.name, supplier
    # An unknown name is a new supplier: publishing creates it in the accounting system.
    return given["name"], _known_supplier(organisation, "name", given["name"])


def _supplier_introduce(organisation: Organisation, name: str) -> Supplier:
    """A supplier the accounting system does not know yet: kept here, without an external id, so
    Dext can code items with it at once; publishing its bill creates it there by name."""
    transaction_lock(f"dext-new-supplier:{organisation.pk}:{name}")
    # Another item may have introduced it while this one waited for the lock.
    existing = _by_name(Supplier.objects.active().filter(organisation=organisation), name)
    if existing is not None:
        return existing
    supplier = Supplier.objects.create(organisation=organisation, name=name, is_supplier=True)
    send_on_commit(master_data_changed, Supplier, organisation_id=organisation.pk, lists={MasterDataList.SUPPLIERS})
    return supplier


def _accounts(organisation: Organisation, item: dict) -> dict[str, Account]:
    """The active accounts the item names, lines and payment alike, in one read."""
    codes = {line["account_code"] for line in item["line_items"]} | {item["payment_method"]["bank_account_code"]}

    def load(missing: set) -> dict:
        return {a.code: a for a in Account.objects.active().filter(organisation=organisation, code__in=missing)}

    return read_through(organisation, "account", codes - {"", None}, load)


def _payment_account(accounts: dict[str, Account], item: dict, unknown: dict) -> Account | None:
    code = item["payment_method"]["bank_account_code"]
    account = accounts.get(code) if code else None
    if item["type"] == "credit_note":
        return None  # a refund is recorded in the accounting system, not from here
    if item["publish_to"] == "bank_transaction":
        if account is None or account.type != "BANK":
            unknown["payment_method.bank_account_code"] = (
                f"A bank transaction needs an active bank account; {code!r} is not one."
                if code
                else "A bank transaction needs the bank account it was paid from."
            )
            return None
        return account
    # A paid bill with an unknown account is still accepted: the request page says why it
    # cannot be paid in the accounting system.
    if item["paid"] and account is not None and account.accepts_payments:
        return account
    return None


def _lines(organisation: Organisation, accounts: dict[str, Account], item: dict, unknown: dict) -> list[dict]:
    """Each line's master data, or the unknown codes recorded by path."""
    lines = item["line_items"]
    # A line without a tax type takes its account's default, as the accounting systems do.
    wanted_tax = {x["tax_type"] for x in lines if x["tax_type"]} | {
        accounts[x["account_code"]].tax_type for x in lines if not x["tax_type"] and x["account_code"] in accounts
    }
    tax_rates = read_through(organisation, "expense-tax-rate", wanted_tax - {""}, lambda missing: {
        t.tax_type: t
        for t in TaxRate.objects.active().filter(organisation=organisation, can_apply_to_expenses=True,
                                                 tax_type__in=missing)
    })
    category_names = {entry["category"] for x in lines for entry in x["tracking"]}
    categories = read_through(organisation, "tracking-category", category_names, lambda missing: {
        c.name: c for c in TrackingCategory.objects.active().filter(organisation=organisation, name__in=missing)
    })
    options = _options(organisation, categories.values())
    resolved = []
    for index, line in enumerate(lines):
        path = f"line_items[{index}]"
        account = accounts.get(line["account_code"])
        if account is None:
            unknown[f"{path}.account_code"] = f"Unknown account code {line['account_code']!r}."
        elif account.type == "BANK":
            unknown[f"{path}.account_code"] = f"{line['account_code']!r} is a bank account; a line cannot use it."
        tax_type = line["tax_type"] or (account.tax_type if account else "")
        tax_rate = tax_rates.get(tax_type)
        if tax_type and tax_rate is None:
            source = "" if line["tax_type"] else f" (the default of account {line['account_code']!r})"
            unknown[f"{path}.tax_type"] = f"Unknown tax type {tax_type!r}{source} for expenses."
        tracking = []
        for position, entry in enumerate(line["tracking"]):
            category = categories.get(entry["category"])
            if category is None:
                unknown[f"{path}.tracking[{position}].category"] = (
                    f"Unknown tracking category {entry['category']!r}."
                )
                continue
            option = options.get((category.pk, entry["option"]))
            if option is None:
                unknown[f"{path}.tracking[{position}].option"] = (
                    f"Unknown option {entry['option']!r} of tracking category {category.name!r}."
                )
                continue
            tracking.append(option)
        resolved.append({"account": account, "tax_rate": tax_rate, "tracking": tracking})
    return resolved


def _options(organisation: Organisation, categories) -> dict[tuple[int, str], TrackingOption]:
    """The active options of these categories, by (category id, name)."""

    def load(missing: set) -> dict:
        by_category = {pk: {} for pk in missing}
        for option in TrackingOption.objects.active().filter(category_id__in=missing):
            by_category[option.category_id][option.name] = option
        return by_category

    held = read_through(organisation, "tracking-options", {c.pk for c in categories}, load)
    return {(pk, name): option for pk, options in held.items() for name, option in options.items()}


def _line_contents(item: dict, resolved: list[dict]) -> tuple[list[LineContent], tuple[Decimal, Decimal, Decimal]]:
    """Our arithmetic (`approvalmax.core.money`), then a check that the item's totals agree with it.
    The lines, and the bill's sub-total, tax and total."""
    kind = TAX_TREATMENTS[item["line_amount_types"]]
    contents, problems = [], {}
    for index, (line, refs) in enumerate(zip(item["line_items"], resolved, strict=True)):
        amount = line_amount(line["quantity"], line["unit_amount"])
        rate = refs["tax_rate"].effective_rate if refs["tax_rate"] else Decimal(0)
        tax = line_tax(amount, rate, kind)
        if abs(amount) >= MAX_AMOUNT:
            problems[f"line_items[{index}]"] = f"The line amount {amount} is too large."
        contents.append(
            LineContent(
                description=line["description"],
                quantity=line["quantity"],
                unit_amount=line["unit_amount"],
                account=refs["account"],
                tax_rate=refs["tax_rate"],
                line_amount=amount,
                tax_amount=tax,
                tracking=refs["tracking"],
            )
        )
    totals = bill_totals([(c.line_amount, c.tax_amount) for c in contents], kind)
    _, tax_total, total = totals
    if tax_total != item["tax_total"]:
        problems["tax_total"] = f"Expected {tax_total} from the lines, got {item['tax_total']}."
    if total != item["total"]:
        problems["total"] = f"Expected {total} from the lines, got {item['total']}."
    if problems:
        raise AmountsMismatch(
            "The amounts do not agree with the lines (tax is rounded per line to 2 places): "
            + ", ".join(problems) + ".",
            fields=problems,
        )
    return contents, totals


def _require_tracking(organisation: Organisation, item: dict, resolved: list[dict]) -> None:
    """Bills must carry an option of every tracking category the workflow makes mandatory."""
    if item_kind(item) == Kind.SPEND_MONEY:
        return
    missing = [
        (f"line_items[{index}].tracking", category.name)
        for category in required_tracking_categories(organisation=organisation)
        for index, refs in enumerate(resolved)
        if not any(option.category_id == category.pk for option in refs["tracking"])
    ]
    if missing:
        raise ApplicationError(
            "Required tracking categories are missing: "
            + ", ".join(f"{name!r} on {path}" for path, name in missing) + ".",
            fields={path: f"Tracking category {name!r} is required." for path, name in missing},
            code="required_tracking_missing",
            status_code=422,
        )


def item_content(organisation: Organisation, item: dict) -> RequestContent:
    """The request content, or a 422 naming everything unknown or inconsistent."""
    if item["type"] == "credit_note" and item["publish_to"] == "bank_transaction":
        raise UnsupportedType(
            "A credit note cannot be a bank transaction: publish it with publish_to 'bill', as a supplier credit note.",
            fields={"publish_to": "A credit note is published as a supplier credit note ('bill')."}
        )
    unknown: dict[str, str] = {}
    supplier_name, supplier = _supplier(organisation, item, unknown)
    accounts = _accounts(organisation, item)
    payment_account = _payment_account(accounts, item, unknown)
    resolved = _lines(organisation, accounts, item, unknown)
    if unknown:
        raise UnknownReferences(
            "Not among the organisation's active accounting data (as last synced): " + ", ".join(unknown) + ".",
            fields=unknown,
        )
    _require_tracking(organisation, item, resolved)
    lines, (sub_total, tax_total, total) = _line_contents(item, resolved)
    if supplier is None:
        supplier = _supplier_introduce(organisation, supplier_name)
    return RequestContent(
        kind=item_kind(item),
        supplier_name=supplier_name,
        supplier=supplier,
        invoice_number=item["invoice_number"],
        date=item["date"],
        due_date=item["due_date"],
        currency=item["currency"],
        tax_treatment=TAX_TREATMENTS[item["line_amount_types"]],
        lines=lines,
        sub_total=sub_total,
        tax_total=tax_total,
        total=total,
        is_paid=item["paid"],
        payment_method_name=item["payment_method"]["name"],
        payment_account=payment_account,
        source_system=SOURCE_SYSTEM,
        source_reference=item["dext_id"],
        source_url=item["document_url"],
        requester_name=item["owner"]["name"],
        requester_email=item["owner"]["email"],
    )
