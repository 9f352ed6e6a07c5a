"""Long lists page by keyset, the request list newest first and the inbox oldest first: every
request once, whatever the depth, with a count that stops at a bound and the same queries on
every page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workflows import pagination
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db

LIST = reverse("workflows:request_list")
INBOX = reverse("workflows:inbox")


def numbers(html: str) -> list[str]:
    return re.findall(r'<td data-label="Bill number">(INV-\d+)</td>', html)


def next_link(html: str, parameter: str = "older") -> str | None:
    found = re.search(rf'href="\?(?:state=[^&]*&amp;)?{parameter}=([^"]+)" rel="next"', html)
    return found and found.group(1)


def walk(client, url: str = LIST, parameter: str = "older", **params) -> tuple[list[str], list[int]]:
    seen, queries, cursor = [], [], None
    while True:
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url, {**params, **({parameter: cursor} if cursor else {})}).content.decode()
        queries.append(len(captured.captured_queries))
        seen += numbers(html)
        cursor = next_link(html, parameter)
        if not cursor:
            return seen, queries


def test_every_request_appears_once_newest_first_even_with_equal_times(approver_client, create_request, monkeypatch):
    monkeypatch.setattr("workflows.list_views.REQUESTS_PER_PAGE", 7)
    for n in range(23):
        create_request(invoice_number=f"INV-{n:03}")
    # Some share their moment to the microsecond; the id breaks the tie.
    moment = timezone.now()
    ApprovalRequest.objects.filter(invoice_number__in=["INV-005", "INV-006", "INV-007", "INV-008"]).update(created_at=moment)

    seen, queries = walk(approver_client)

    assert sorted(seen) == [f"INV-{n:03}" for n in range(23)] and len(seen) == 23
    expected = list(ApprovalRequest.objects.order_by("-created_at", "-pk").values_list("invoice_number", flat=True))
    assert seen == expected
    assert len(queries) == 4 and len(set(queries)) == 1


def test_the_state_filter_is_kept_from_page_to_page(approver_client, create_request, approver, monkeypatch):
    from workflows import services

    monkeypatch.setattr("workflows.list_views.REQUESTS_PER_PAGE", 2)
    for n in range(5):
        request = create_request(invoice_number=f"INV-{n}")
        if n % 2 == 0:
            services.request_reject(request_id=request.pk, user=approver, comment="No.")

    seen, _ = walk(approver_client, state="rejected")

    assert sorted(seen) == ["INV-0", "INV-2", "INV-4"]


def test_the_count_stops_at_its_bound(approver_client, create_request, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_BOUND", 3)
    for n in range(3):
        create_request(invoice_number=f"INV-{n}")
    assert "3 in all" in approver_client.get(LIST).content.decode()

    create_request(invoice_number="INV-3")
    assert "more than 3 in all" in approver_client.get(LIST).content.decode()


def test_the_inbox_count_stops_at_its_own_bound(approver_client, create_request, monkeypatch):
    monkeypatch.setattr("workflows.selectors.INBOX_COUNT_BOUND", 2)
    for n in range(3):
        create_request(invoice_number=f"INV-{n}")

    assert "more than 2 in all" in approver_client.get(INBOX).content.decode()


@pytest.mark.parametrize("cursor", ["garbage", "%00", "MjAyNi0xMi0wMVQwMDowMDowMHw", "x" * 500])
def test_a_cursor_we_did_not_make_starts_from_the_newest(approver_client, create_request, cursor):
    create_request(invoice_number="INV-1")

    response = approver_client.get(LIST, {"older": cursor})

    assert response.status_code == 200
    assert numbers(response.content.decode()) == ["INV-1"]


@pytest.mark.parametrize("bound", [250, 5], ids=["joined", "walked in order"])
def test_the_inbox_pages_oldest_first_with_every_waiting_bill_once(approver_client, create_request, monkeypatch,
                                                                    bound):
    """Whether it is read by a join (a few waiting) or by walking the open requests (more than
    its bound), every waiting bill appears once, in order."""
    monkeypatch.setattr("workflows.list_views.REQUESTS_PER_PAGE", 6)
    monkeypatch.setattr("workflows.selectors.INBOX_COUNT_BOUND", bound)
    for n in range(20):
        create_request(invoice_number=f"INV-{n:03}")
    moment = timezone.now()
    ApprovalRequest.objects.filter(invoice_number__in=["INV-010", "INV-011", "INV-012"]).update(created_at=moment)

    seen, queries = walk(approver_client, INBOX, "after")

    expected = list(ApprovalRequest.objects.order_by("created_at", "pk").values_list("invoice_number", flat=True))
    assert seen == expected and len(seen) == 20
    assert len(queries) == 4 and len(set(queries)) == 1
    assert ("20 in all" if bound == 250 else "more than 5 in all") in approver_client.get(INBOX).content.decode()


def test_a_forged_inbox_cursor_starts_from_the_oldest(approver_client, create_request):
    create_request(invoice_number="INV-001")

    response = approver_client.get(INBOX, {"after": "not-a-cursor"})

    assert response.status_code == 200 and numbers(response.content.decode()) == ["INV-001"]
