"""Finding requests: search, filters and sorts in the inbox and the request list, pages that keep
them, and the CSV export of what is shown."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from workflows.models import ApprovalRequest
from workflows.search import SearchForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def bills(create_request):
    made = {
        "paper": create_request(source_reference="CI-1", invoice_number="P-100", total=Decimal("54.00"),
                                date=date(2026, 11, 2)),
        "big": create_request(source_reference="CI-2", invoice_number="B-200", total=Decimal("900.00"),
                              date=date(2026, 10, 1), supplier=None, supplier_name="Northern Rail"),
        "late": create_request(source_reference="CI-3", invoice_number="L-300", total=Decimal("120.00"),
                               date=date(2026, 9, 1), supplier=None, supplier_name="City Telecom"),
    }
    ApprovalRequest.objects.filter(pk=made["late"].pk).update(step_due_at=timezone.now() - timedelta(hours=2))
    ApprovalRequest.objects.filter(pk=made["big"].pk).update(step_due_at=timezone.now() + timedelta(days=2))
    return made


NUMBERS = ("P-100", "B-200", "L-300")


def _order(client, name: str, **params) -> list[str]:
    """The bills' numbers in the order the page lists them."""
    page = client.get(reverse(name), params).content.decode()
    cells = {n: f'<td data-label="Bill number">{n}</td>' for n in NUMBERS}
    return [number for _, number in sorted((page.index(cell), n) for n, cell in cells.items() if cell in page)]


@pytest.mark.parametrize("name", ["workflows:inbox", "workflows:request_list"])
def test_search_by_supplier_number_or_line_description(client, approver, bills, name):
    client.force_login(approver)

    assert _order(client, name, q="northern") == ["B-200"]
    assert _order(client, name, q="l-3") == ["L-300"]
    assert set(_order(client, name, q="printer paper")) == {"P-100", "B-200", "L-300"}  # every line says so
    assert _order(client, name, q="nothing like it") == []


@pytest.mark.parametrize("name", ["workflows:inbox", "workflows:request_list"])
def test_filters_by_amount_date_and_overdue(client, approver, bills, name):
    client.force_login(approver)

    assert set(_order(client, name, min_total="100", max_total="1000")) == {"B-200", "L-300"}
    assert set(_order(client, name, date_from="2026-10-01", date_to="2026-10-31")) == {"B-200"}
    assert _order(client, name, overdue="on") == ["L-300"]


def test_sorts_oldest_due_and_amount(client, approver, bills):
    client.force_login(approver)

    assert _order(client, "workflows:inbox") == ["P-100", "B-200", "L-300"]
    assert _order(client, "workflows:inbox", sort="due") == ["L-300", "B-200", "P-100"]  # no deadline last
    assert _order(client, "workflows:inbox", sort="amount") == ["B-200", "L-300", "P-100"]
    assert _order(client, "workflows:request_list") == ["L-300", "B-200", "P-100"]  # newest first


def test_pages_keep_the_filters_and_the_sort(client, approver, bills, monkeypatch):
    monkeypatch.setattr("workflows.list_views.REQUESTS_PER_PAGE", 1)
    client.force_login(approver)

    first = client.get(reverse("workflows:inbox"), {"sort": "amount", "min_total": "100"}).content.decode()
    assert '<td data-label="Bill number">B-200</td>' in first
    link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(reverse("workflows:inbox") + link).content.decode()

    assert all((f'<td data-label="Bill number">{n}</td>' in second) == (n == "L-300") for n in ("L-300", "B-200", "P-100"))


def test_bad_filters_are_said_and_change_nothing(client, approver, bills):
    client.force_login(approver)

    response = client.get(reverse("workflows:request_list"), {"min_total": "500", "max_total": "10",
                                                              "date_from": "yesterday"})

    page = response.content.decode()
    assert response.status_code == 400 and "Nothing was filtered" in page
    assert "Total up to: Must not be below the total from." in page
    assert all(f'<td data-label="Bill number">{n}</td>' in page for n in NUMBERS)


def test_the_export_is_what_is_shown_and_only_my_organisations(client, approver, bills, outsider):
    client.force_login(approver)

    rows = list(csv.reader(io.StringIO(b"".join(
        client.get(reverse("workflows:request_export"), {"min_total": "100", "sort": "amount"}).streaming_content)
        .decode())))

    assert rows[0][:3] == ["Organisation", "Supplier", "Number"]
    assert [row[2] for row in rows[1:]] == ["B-200", "L-300"]
    assert rows[1][7] == "900.00" and rows[1][-1].endswith(f"/requests/{bills['big'].public_id}/")
    client.force_login(outsider)
    assert len(list(csv.reader(io.StringIO(b"".join(
        client.get(reverse("workflows:request_export")).streaming_content).decode())))) == 1


@pytest.mark.parametrize(("query", "narrows"), [
    ({}, False), ({"sort": "amount"}, False), ({"after": "x"}, False), ({"overdue": ""}, False),
    ({"min_total": "abc"}, False),  # not valid: the list shows everything
    ({"q": "Acme"}, True), ({"min_total": "0"}, True), ({"overdue": "on"}, True), ({"date_to": "2026-01-01"}, True),
])
def test_the_form_says_whether_it_leaves_anything_out(query, narrows):
    from django.http import QueryDict

    params = QueryDict(mutable=True)
    params.update(query)
    assert SearchForm(params or None, with_state=False).narrows is narrows
