"""Budgets from a CSV or XLSX file an administrator uploads: one row per account (and optionally
one tracking option), one column per month. Every problem is reported with its row; a file with any
problem loads nothing.

    Account code, Tracking category, Tracking option, 2026-01, 2026-02, ...
    429,,,1000,1000
    429,Region,North,400,400
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

from approvalmax.core.models import Account, Organisation, TrackingOption

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
LARGEST = Decimal(10) ** 12
FIXED = ["account code", "tracking category", "tracking option"]
MONTH_FORMATS = ("%Y-%m", "%Y-%m-%d", "%b %Y", "%B %Y", "%b-%y", "%m/%Y")


@dataclass(frozen=True)
class BudgetRow:
    account: Account
    tracking_option: TrackingOption | None
    month: date
    amount: Decimal

    @property
    def account_id(self) -> int:
        return self.account.pk

    @property
    def tracking_option_id(self) -> int | None:
        return self.tracking_option.pk if self.tracking_option else None


class UploadRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _cells(data: bytes, filename: str) -> list[list]:
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001  (openpyxl raises many kinds for a file that is not a workbook)
            raise UploadRefused(["The file is not an XLSX workbook that can be read."]) from None
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    if not filename.lower().endswith(".csv"):
        raise UploadRefused(["Upload a .csv or .xlsx file."])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(["The CSV file is not UTF-8 text."]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or nothing: the header check says what is wrong
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _month(value) -> date | None:
    if isinstance(value, datetime | date):
        return date(value.year, value.month, 1)
    text = str(value or "").strip()
    for layout in MONTH_FORMATS:
        try:
            parsed = datetime.strptime(text, layout)
        except ValueError:
            continue
        return date(parsed.year, parsed.month, 1)
    return None


def _amount(value) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip().replace(",", "").replace(" ", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if not amount.is_finite() or abs(amount) >= LARGEST:
        raise ValueError(f"{value!r} is not an amount")
    if amount < 0:
        raise ValueError(f"{value!r} is negative")
    return amount.quantize(Decimal("0.01"))


def _header(cells: list[list]) -> tuple[list[tuple[int, date]], list[str]]:
    if not cells:
        raise UploadRefused(["The file is empty."])
    names = [str(cell or "").strip() for cell in cells[0]]
    if [n.lower() for n in names[:3]] != FIXED:
        raise UploadRefused(["The first row must start with: Account code, Tracking category, Tracking option, "
                             "then one column per month (for example 2026-11)."])
    months, problems = [], []
    for index, cell in enumerate(cells[0][3:], start=3):
        if cell is None or str(cell).strip() == "":
            continue
        month = _month(cell)
        if month is None:
            problems.append(f"Row 1, column {index + 1}: {cell!r} is not a month (write it as 2026-11).")
        else:
            months.append((index, month))
    if not months and not problems:
        problems.append("Row 1: no month columns.")
    if len({m for _, m in months}) != len(months):
        problems.append("Row 1: a month appears twice.")
    return months, problems


def budget_rows(organisation: Organisation, data: bytes, filename: str) -> list[BudgetRow]:
    """The file's budgets, resolved against the organisation's master data; UploadRefused lists
    every problem by row."""
    if len(data) > MAX_BYTES:
        raise UploadRefused([f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB."])
    cells = _cells(data, filename)
    months, problems = _header(cells)
    body = [(number, row) for number, row in enumerate(cells[1:], start=2)
            if any(str(cell or "").strip() for cell in row)]
    if len(body) > MAX_ROWS:
        problems.append(f"The file has more than {MAX_ROWS} rows.")
    if problems:
        raise UploadRefused(problems)
    accounts = {a.code.casefold(): a for a in Account.objects.active().filter(organisation=organisation)
                .exclude(type="BANK")}
    options = {(o.category.name.casefold(), o.name.casefold()): o for o in TrackingOption.objects.active()
               .filter(category__organisation=organisation, category__status="ACTIVE").select_related("category")}
    rows, seen = [], {}
    for number, row in body:
        row = list(row) + [None] * (len(cells[0]) - len(row))
        code, category, option_name = (re.sub(r"\s+", " ", str(c or "")).strip() for c in row[:3])
        account = accounts.get(code.casefold())
        if account is None:
            problems.append(f"Row {number}: no active expense account with the code {code!r}.")
            continue
        option = None
        if category or option_name:
            option = options.get((category.casefold(), option_name.casefold()))
            if option is None:
                problems.append(f"Row {number}: no active tracking option {option_name!r} of category {category!r}.")
                continue
        key = (account.pk, option.pk if option else None)
        if key in seen:
            problems.append(f"Row {number}: the same account and option as row {seen[key]}.")
            continue
        seen[key] = number
        for index, month in months:
            try:
                amount = _amount(row[index])
            except ValueError as exc:
                problems.append(f"Row {number}, {month:%Y-%m}: {exc}.")
                continue
            if amount is not None:
                rows.append(BudgetRow(account, option, month, amount))
    if problems:
        raise UploadRefused(problems)
    return rows
