"""Budgets uploaded as CSV or XLSX: every bad row named, and nothing half-loaded."""

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook

from approvalmax.budgets.models import Budget, BudgetPolicy
from approvalmax.budgets.services import budgets_upload
from approvalmax.budgets.upload import UploadRefused

pytestmark = pytest.mark.django_db

GOOD = ("Account code,Tracking category,Tracking option,2026-11,2026-12\n"
        "429,,,1000,1 200.50\n"
        "429,Region,North,400,\n"
        "453,,,,300\n")


def _upload(organisation, text: str, name: str = "budgets.csv") -> int:
    return budgets_upload(organisation=organisation, data=text.encode(), filename=name)


def test_a_csv_loads_overall_and_tracking_budgets_by_month(organisation, master_data):
    assert _upload(organisation, GOOD) == 4

    rows = {(b.account.code, b.tracking_option.name if b.tracking_option else None, b.month): b.amount
            for b in Budget.objects.select_related("account", "tracking_option")}
    assert rows == {("429", None, date(2026, 11, 1)): Decimal("1000.00"),
                    ("429", None, date(2026, 12, 1)): Decimal("1200.50"),
                    ("429", "North", date(2026, 11, 1)): Decimal("400.00"),
                    ("453", None, date(2026, 12, 1)): Decimal("300.00")}
    assert BudgetPolicy.objects.get(organisation=organisation).origin == "upload"


def test_an_xlsx_with_real_dates_as_month_headers_loads_too(organisation, master_data):
    book = Workbook()
    sheet = book.active
    sheet.append(["Account code", "Tracking category", "Tracking option", datetime(2026, 11, 1), "Dec 2026"])
    sheet.append(["429", None, None, 500, 600])
    data = io.BytesIO()
    book.save(data)

    assert budgets_upload(organisation=organisation, data=data.getvalue(), filename="b.xlsx") == 2
    assert sorted(Budget.objects.values_list("amount", flat=True)) == [Decimal("500.00"), Decimal("600.00")]


def test_every_bad_row_is_named_and_nothing_changes(organisation, master_data):
    _upload(organisation, GOOD)
    bad = ("Account code,Tracking category,Tracking option,2026-11,someday\n"
           "999,,,10\n")
    with pytest.raises(UploadRefused) as header:
        _upload(organisation, bad)
    assert header.value.problems == ["Row 1, column 5: 'someday' is not a month (write it as 2026-11)."]

    rows = ("Account code,Tracking category,Tracking option,2026-11\n"
            "999,,,10\n"            # unknown account
            "090,,,10\n"            # a bank account
            "429,Region,Nowhere,10\n"
            "429,,,ten\n"
            "453,,,-5\n"
            "453,,,5\n"
            "453,,,6\n")            # the same account as row 6, twice
    with pytest.raises(UploadRefused) as refused:
        _upload(organisation, rows)

    assert refused.value.problems == [
        "Row 2: no active expense account with the code '999'.",
        "Row 3: no active expense account with the code '090'.",
        "Row 4: no active tracking option 'Nowhere' of category 'Region'.",
        "Row 5, 2026-11: 'ten' is not an amount.",
        "Row 6, 2026-11: '-5' is negative.",
        "Row 7: the same account and option as row 6.",
        "Row 8: the same account and option as row 6.",
    ]
    assert Budget.objects.count() == 4  # the earlier upload, untouched


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("b.txt", b"x", "Upload a .csv or .xlsx file."),
    ("b.xlsx", b"not a workbook", "The file is not an XLSX workbook that can be read."),
    ("b.csv", b"\xff\xfe", "The CSV file is not UTF-8 text."),
    ("b.csv", b"", "The file is empty."),
    ("b.csv", b"Code,Amount\n429,1\n", "The first row must start with"),
])
def test_files_that_are_not_budgets_are_refused(organisation, master_data, name, data, problem):
    with pytest.raises(UploadRefused) as refused:
        budgets_upload(organisation=organisation, data=data, filename=name)

    assert refused.value.problems[0].startswith(problem)
    assert not Budget.objects.exists()
