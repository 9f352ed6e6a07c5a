"""The approvers' pages, through Django's test client: logging in, the request page and deciding
on it (the inbox and the request list: `test_inbox_and_request_list.py`)."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvalmax.core.versioned_reads import forget_wholes
from tests.builders import bill_content, pdf_document
from tests.workflows.helpers import url, reload
from workflows import outcomes, services
from workflows.models import ApprovalRequest, AuditEvent, Decision

State = ApprovalRequest.State


@pytest.mark.parametrize("name", ["request_detail", "request_document"])
def test_request_pages_need_a_login(name, client, create_request):
    request = create_request()

    response = client.get(url(name, request))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("path", ["/requests/awaiting/", "/requests/", "/"])
def test_list_pages_need_a_login(path, client, db):
    response = client.get(path, follow=True)

    assert response.redirect_chain[-1][0].startswith("/login/?next=")
    assert b"<h1>Log in</h1>" in response.content


@pytest.mark.parametrize("name", ["request_approve", "request_reject"])
def test_decisions_need_a_login(name, client, create_request):
    request = create_request()

    response = client.post(url(name, request), {"comment": "Fine."})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert reload(request).state == State.ON_APPROVAL


def test_login_page_logs_an_approver_in(client, approver):
    page = client.get("/login/")
    assert b'<label for="id_username">' in page.content

    response = client.post("/login/", {"username": approver.username, "password": "pass-word-123"})

    assert response.status_code == 302
    assert response.url == reverse("workflows:inbox")


def test_login_page_says_when_the_password_is_wrong(client, approver):
    response = client.post("/login/", {"username": approver.username, "password": "wrong"})

    assert response.status_code == 200
    assert b"Could not log in" in response.content


def test_detail_shows_the_bill_for_a_current_approver(approver_client, create_request, approver):
    request = create_request()

    response = approver_client.get(url("request_detail", request))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Bill INV-4411 from Acme Supplies Ltd" in html
    assert "On approval" in html
    assert "Step 1, Approval" in html
    assert f"Waiting for any one of: {approver.get_full_name()}." in " ".join(html.split())
    assert "Printer paper" in html
    assert "429 General Expenses" in html
    assert "20% (VAT on Expenses)" in html
    assert "Region: North" in html
    assert "Tax exclusive" in html
    page = reverse("workflows:request_document_page", kwargs={"public_id": request.public_id, "page": 1})
    assert f'<img class="document-page" id="page-1" src="{page}"' in html
    dext_link = '<a href="https://app.dext.example/costs/CI-000123" rel="noopener noreferrer">Open original document</a>'
    assert dext_link in html
    assert 'action="{}"'.format(url("request_approve", request)) in html
    assert 'action="{}"'.format(url("request_reject", request)) in html
    assert "csrfmiddlewaretoken" in html
    assert "Submitted from Dext item CI-000123." in html
    assert "Sam Taylor &lt;sam@example.com&gt;, requester from Dext (not a member)" in html
    assert "Step started" in html


def test_detail_query_count_does_not_grow_with_lines_or_history(approver_client, create_request, master_data,
                                                                 approver):
    one_line = create_request()
    line = bill_content(master_data).lines[0]
    lines = [replace(line, tracking=[master_data["north"]]) for _ in range(5)]
    many = create_request(lines=lines)
    services.request_reject(request_id=many.pk, user=approver, comment="Again.")
    services.request_resubmit(request_id=many.pk, content=bill_content(master_data, lines=lines),
                              document=pdf_document())
    approver_client.get(url("request_detail", many))  # the process now holds the coding both show
    forget_wholes()  # but neither request's record: each is read whole
    with CaptureQueriesContext(connection) as small:
        approver_client.get(url("request_detail", one_line))
    forget_wholes()
    with CaptureQueriesContext(connection) as large:
        html = approver_client.get(url("request_detail", many)).content.decode()

    assert html.count("Printer paper") == 5
    assert len(large.captured_queries) == len(small.captured_queries)


def test_an_approvers_page_of_a_200_line_bill_makes_at_most_15_queries(approver_client, create_request, master_data):
    line = bill_content(master_data).lines[0]
    request = create_request(lines=[line] * 200, sub_total=Decimal("9000.00"), tax_total=Decimal("1800.00"),
                             total=Decimal("10800.00"))  # fmt: skip
    create_request(source_reference="EARLIER", invoice_number="INV-EARLIER", date=date(2026, 10, 1))
    approver_client.get(url("request_detail", request))
    with CaptureQueriesContext(connection) as page:
        html = approver_client.get(url("request_detail", request)).content.decode()

    assert html.count('<td data-label="Description">Printer paper</td>') == 200
    assert "INV-EARLIER" in html  # the supplier's earlier bills, read with the duplicate check's history
    assert 'action="{}"'.format(url("request_approve", request)) in html
    assert len(page.captured_queries) <= 15, [query["sql"][:80] for query in page.captured_queries]


def test_detail_hides_decision_forms_from_others(client, create_request, bystander):
    request = create_request()
    client.force_login(bystander)

    html = client.get(url("request_detail", request)).content.decode()

    assert "Printer paper" in html
    assert url("request_approve", request) not in html
    assert url("request_reject", request) not in html


def test_detail_escapes_what_dext_sent(approver_client, create_request):
    request = create_request(supplier_name='<script>alert("x")</script>', source_url="javascript:alert(1)")

    html = approver_client.get(url("request_detail", request)).content.decode()

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "javascript:alert(1)" not in html


def test_detail_warns_when_a_paid_bill_has_no_bank_account(approver_client, create_request):
    request = create_request(is_paid=True, payment_method_name="Company card", payment_account=None)

    html = approver_client.get(url("request_detail", request)).content.decode()

    assert ("Paid in Dext, but the payment method has no known bank account: "
            "the bill will be created awaiting payment") in html


def test_detail_shows_the_bank_account_of_a_paid_bill(approver_client, create_request, master_data):
    request = create_request(is_paid=True, payment_method_name="Company card", payment_account=master_data["bank"])

    html = approver_client.get(url("request_detail", request)).content.decode()

    assert "Company card (bank account 090 - Business Bank Account)" in html
    assert "no known bank account" not in html


def test_approve_by_post_decides_and_shows_the_result_on_the_page(approver_client, create_request, approver):
    request = create_request()

    response = approver_client.post(url("request_approve", request), {"comment": "Looks right."}, follow=True)

    assert response.redirect_chain == [(url("request_detail", request), 302)]
    assert "You approved INV-4411 from Acme Supplies Ltd." in response.content.decode()
    assert reload(request).state == State.APPROVED
    decision = Decision.objects.get(request=request)
    assert (decision.approver, decision.outcome, decision.comment) == (approver, "approved", "Looks right.")


def test_detail_shows_decisions_of_every_revision(approver_client, create_request, approver, master_data):
    request = create_request()
    services.request_reject(request_id=request.pk, user=approver, comment="Wrong VAT.")
    services.request_resubmit(request_id=request.pk, content=bill_content(master_data), document=pdf_document())
    services.request_approve(request_id=request.pk, user=approver, comment="Now right.")

    html = approver_client.get(url("request_detail", request)).content.decode()

    assert "Wrong VAT." in html and "Now right." in html
    assert '<td data-label="Revision">2 (current)</td>' in html and '<td data-label="Revision">1</td>' in html
    assert "Resubmitted as a new revision" in html


def test_reject_without_a_comment_shows_an_error_and_changes_nothing(approver_client, create_request):
    request = create_request()
    audit_before = AuditEvent.objects.filter(request=request).count()

    response = approver_client.post(url("request_reject", request), {"comment": "  "})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Error: Say why you reject this request" in html
    assert reload(request).state == State.ON_APPROVAL
    assert not Decision.objects.filter(request=request).exists()
    assert AuditEvent.objects.filter(request=request).count() == audit_before


def test_reject_with_a_comment(approver_client, create_request):
    request = create_request()

    response = approver_client.post(url("request_reject", request), {"comment": "Wrong supplier."}, follow=True)

    assert "You rejected INV-4411 from Acme Supplies Ltd." in response.content.decode()
    assert reload(request).state == State.REJECTED
    detail = approver_client.get(url("request_detail", request)).content.decode()
    assert "Wrong supplier." in detail
    assert url("request_reject", request) not in detail


def test_deciding_again_explains_it_was_already_decided(approver_client, create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)

    response = approver_client.post(url("request_reject", request), {"comment": "Too late."}, follow=True)

    assert response.redirect_chain == [(url("request_detail", request), 302)]
    assert "This request has already been decided: it is approved." in response.content.decode()
    assert reload(request).state == State.APPROVED


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "request_detail"),
        ("get", "request_document"),
        ("post", "request_approve"),
        ("post", "request_reject"),
    ],
)
def test_another_organisations_request_is_not_found(method, name, client, create_request, outsider):
    request = create_request()
    client.force_login(outsider)

    response = getattr(client, method)(url(name, request), {"comment": "Sneaky."} if method == "post" else None)

    assert response.status_code == 404
    assert reload(request).state == State.ON_APPROVAL


@pytest.mark.parametrize("name", ["request_approve", "request_reject"])
def test_a_member_who_is_not_an_approver_is_forbidden(name, client, create_request, bystander):
    request = create_request()
    client.force_login(bystander)

    response = client.post(url(name, request), {"comment": "I would like to."})

    assert response.status_code == 403
    assert "not an approver" in response.content.decode()
    assert reload(request).state == State.ON_APPROVAL


def test_decisions_must_be_posted(approver_client, create_request):
    request = create_request()

    assert approver_client.get(url("request_approve", request)).status_code == 405
    assert reload(request).state == State.ON_APPROVAL


def test_csrf_token_is_required(create_request, approver):
    request = create_request()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(approver)

    forged = browser.post(url("request_approve", request), {"comment": "Forged."})

    assert forged.status_code == 403
    assert reload(request).state == State.ON_APPROVAL

    browser.get(url("request_detail", request))
    token = browser.cookies["csrftoken"].value
    genuine = browser.post(url("request_approve", request), {"comment": "Mine.", "csrfmiddlewaretoken": token})

    assert genuine.status_code == 302
    assert reload(request).state == State.APPROVED


def test_published_request_links_to_the_bill_in_xero(approver_client, create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    outcomes.request_mark_published(
        request_id=request.pk, external_system="xero",
        external_id="7a1c0d5e-0000-4000-8000-000000000001",
        external_url="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=7a1c0d5e-0000-4000-8000-000000000001",
    )

    html = approver_client.get(url("request_detail", request)).content.decode()

    assert "<strong>Published</strong>" in html
    assert ('<a href="https://go.xero.com/AccountsPayable/View.aspx?InvoiceID=7a1c0d5e-0000-4000-8000-000000000001"'
            ' rel="noopener noreferrer">Open the bill in Xero</a>') in html


def test_publish_failure_is_shown_in_an_alert(approver_client, create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    outcomes.request_mark_publish_failed(request_id=request.pk, error="Xero said: <Account code '429' is archived>")

    html = approver_client.get(url("request_detail", request)).content.decode()

    assert "Publishing to the accounting system failed" in html
    assert 'role="alert"' in html
    assert "Xero said: &lt;Account code &#x27;429&#x27; is archived&gt;" in html


@pytest.mark.parametrize("bound", [250, 0], ids=["joined", "walked in order"])
def test_approve_and_next_goes_on_to_the_next_waiting_bill_then_to_the_inbox(approver_client, create_request,
                                                                              monkeypatch, bound):
    from tests.builders import pdf_document
    from tests.files import pdf

    monkeypatch.setattr("workflows.selectors.INBOX_COUNT_BOUND", bound)
    first = create_request(source_reference="CI-1", invoice_number="A-1")
    second = create_request(source_reference="CI-2", invoice_number="B-2", supplier=None, supplier_name="Other Ltd",
                            document=pdf_document("b.pdf", data=pdf(pages=2)))

    onwards = approver_client.post(url("request_approve", first), {"then": "next"})
    last = approver_client.post(url("request_approve", second), {"then": "next"}, follow=True)

    assert onwards.url == url("request_detail", second)
    assert last.redirect_chain == [(reverse("workflows:inbox"), 302)]
    assert "Nothing else is waiting for your decision." in last.content.decode()
