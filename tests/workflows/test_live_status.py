"""The request page's live status: the fragment it asks for every few seconds while the request
can change by itself, showing publishing, then "Published" with the number and link, or the failure."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows import outcomes, services

pytestmark = pytest.mark.django_db


def _status(client, request, seen: str = "") -> str:
    response = client.get(reverse("workflows:request_status", args=[request.public_id]), {"seen": seen} if seen else {})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    return " ".join(response.content.decode().split())


def test_while_on_approval_the_page_keeps_asking(client, create_request, approver):
    request = create_request()
    client.force_login(approver)

    html = _status(client, request)

    assert 'hx-trigger="every 3s"' in html and "On approval" in html
    assert "changed since the page was opened" not in html


def test_approved_says_publishing_and_published_gives_the_number_and_link_and_stops(client, create_request,
                                                                                   approver):
    request = create_request()
    client.force_login(approver)
    seen = f"on_approval:1:{request.current_step_id}"
    services.request_approve(request_id=request.pk, user=approver)

    publishing = _status(client, request, seen)
    assert "Publishing to the accounting system" in publishing and 'hx-trigger="every 3s"' in publishing
    assert "changed since the page was opened" in publishing

    outcomes.request_mark_published(request_id=request.pk, external_system="xero", external_id="b-1",
                                    external_url="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=b-1")
    published = _status(client, request, seen)
    assert "Published</strong>: the bill has been created in Xero as INV-4411." in published
    assert 'href="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=b-1"' in published
    assert "hx-trigger" not in published  # nothing left to wait for


def test_a_failure_is_shown_with_its_reason(client, create_request, approver):
    request = create_request()
    client.force_login(approver)
    services.request_approve(request_id=request.pk, user=approver)
    outcomes.request_mark_publish_failed(request_id=request.pk, error="Xero refused the account 429.")

    html = _status(client, request, "approved:1:")

    assert "Publishing to the accounting system failed</strong>: Xero refused the account 429." in html
    assert "hx-trigger" not in html


def test_another_organisations_request_is_404(client, create_request, outsider):
    request = create_request()
    client.force_login(outsider)

    assert client.get(reverse("workflows:request_status", args=[request.public_id])).status_code == 404


def test_the_page_loads_htmx_from_our_own_static_files(client, create_request, approver):
    request = create_request()
    client.force_login(approver)

    html = client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode()

    assert '<script src="/static/vendor/htmx/htmx-2.0.11.min.js" defer></script>' in html
    assert 'id="live-status"' in html


def test_asking_reads_the_request_and_nothing_the_fragment_does_not_show(client, create_request, administrator):
    # Every open page asks every 3 s: not the navigation's badges, nor the administrator's failures.
    request = create_request()
    client.force_login(administrator)
    _status(client, request)

    with CaptureQueriesContext(connection) as asked:
        _status(client, request)

    reads = [query["sql"] for query in asked.captured_queries]
    assert len(reads) == 3, reads  # the user, the request, the accounting connection it names
    assert not [sql for sql in reads if sql.startswith(('SELECT "core_membership"', "SELECT (SELECT COUNT(*)"))]
