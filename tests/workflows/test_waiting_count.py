"""The navigation says how many requests wait for the signed-in person's decision, on every page."""

import pytest
from django.urls import reverse

from workflows import services
from workflows.context_processors import WAITING_SHOWN
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db


def _badge(client, url: str = reverse("workflows:request_list")) -> str:
    page = client.get(url).content.decode()
    start = page.find('<span class="badge">')
    if start < 0:
        return ""
    start += len('<span class="badge">')
    return page[start:page.find("<span", start)]


def test_the_count_follows_what_waits_and_what_was_decided(client, create_request, approver, bystander):
    first = create_request(source_reference="CI-1")
    create_request(source_reference="CI-2", invoice_number="X-2")
    client.force_login(approver)
    assert _badge(client) == "2"

    services.request_approve(request_id=first.pk, user=approver, comment="A separate bill.")
    assert _badge(client) == "1"

    client.force_login(bystander)
    assert _badge(client) == ""


def test_a_long_queue_shows_as_ninety_nine_plus(client, create_request, approver, monkeypatch):
    monkeypatch.setattr("workflows.context_processors.WAITING_SHOWN", 2)
    for n in range(3):
        create_request(source_reference=f"CI-{n}", invoice_number=f"X-{n}")
    client.force_login(approver)

    assert _badge(client) == "2+" and WAITING_SHOWN == 99


def test_the_count_does_not_sort_what_it_counts(client, create_request, approver):
    """Counting the first 100 needs no order; sorting every waiting request for them did (half
    the badge's time with 3,000 waiting)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    create_request()
    client.force_login(approver)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("workflows:request_list"))

    badge = next(q["sql"] for q in captured.captured_queries if "SELECT (SELECT COUNT(*)" in q["sql"])
    assert "ORDER BY" not in badge


def _inbox_badge(client, query: str = "") -> str:
    return _badge(client, reverse("workflows:inbox") + query)


def test_the_inbox_page_gives_the_badge_its_own_count(client, create_request, approver, monkeypatch):
    """Unfiltered (sorted or paged, too), the inbox counted what the badge counts: the badge takes
    that count and the page does not count what waits a second time; filtered, the badge still
    counts every bill."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("workflows.context_processors.WAITING_SHOWN", 2)
    for n in range(3):
        create_request(source_reference=f"CI-{n}", invoice_number=f"X-{n}", supplier_name=f"Supplier {n}")
    client.force_login(approver)

    for unfiltered in ("", "?sort=newest", "?after=not-a-cursor"):
        with CaptureQueriesContext(connection) as captured:
            assert _inbox_badge(client, unfiltered) == "2+"
        assert not any("SELECT (SELECT COUNT(*)" in q["sql"] and "workflows_assignment" in q["sql"]
                       for q in captured.captured_queries)
    assert _inbox_badge(client, "?q=Supplier+1") == "2+"

    services.request_approve(request_id=ApprovalRequest.objects.get(source_reference="CI-0").pk, user=approver,
                             comment="A separate bill.")
    assert _inbox_badge(client) == "2"
    assert _inbox_badge(client, "?q=Supplier+1") == "2"
