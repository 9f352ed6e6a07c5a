"""The inbox and the request list: what each shows whom, filtering, and queries that do not grow
with their rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.workflows.helpers import url
from workflows import services
from workflows.models import ApprovalRequest

State = ApprovalRequest.State


def test_inbox_lists_what_waits_for_me(approver_client, create_request, approver, second_approver, workflow):
    waiting = create_request(invoice_number="INV-0001", supplier_name="Paper & Co <Ltd>")
    decided = create_request(invoice_number="INV-0002")
    services.request_reject(request_id=decided.pk, user=approver, comment="Duplicate.")

    response = approver_client.get(reverse("workflows:inbox"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Awaiting my decision</h1>" in html
    assert "INV-0001" in html
    assert "Paper &amp; Co &lt;Ltd&gt;" in html
    assert "54.00&nbsp;<abbr" in html and ">GBP</abbr>" in html
    assert "2 Nov 2026" in html
    assert url("request_detail", waiting) in html
    assert "INV-0002" not in html


def test_inbox_leaves_out_what_i_already_approved(client, create_request, workflow, approver, second_approver):
    step = workflow.steps.get()
    step.mode = "all"
    step.save()
    step.approvers.add(second_approver)
    request = create_request(invoice_number="INV-ALL")
    services.request_approve(request_id=request.pk, user=approver)

    client.force_login(approver)
    assert "INV-ALL" not in client.get(reverse("workflows:inbox")).content.decode()
    client.force_login(second_approver)
    assert "INV-ALL" in client.get(reverse("workflows:inbox")).content.decode()


def test_inbox_is_empty_for_members_who_approve_nothing(client, create_request, bystander):
    create_request(invoice_number="INV-0001")
    client.force_login(bystander)

    response = client.get(reverse("workflows:inbox"))

    assert "INV-0001" not in response.content.decode()
    assert "Nothing is waiting for your decision." in response.content.decode()


def test_inbox_query_count_does_not_grow_with_its_rows(approver_client, create_request):
    create_request(invoice_number="INV-FIRST")
    with CaptureQueriesContext(connection) as one_row:
        response = approver_client.get(reverse("workflows:inbox"))
    assert response.content.decode().count('<td data-label="Bill number">INV-') == 1

    for number in range(19):
        create_request(invoice_number=f"INV-{number:04d}")
    with CaptureQueriesContext(connection) as twenty_rows:
        response = approver_client.get(reverse("workflows:inbox"))

    assert response.content.decode().count("<tr>") == 21
    assert len(twenty_rows.captured_queries) == len(one_row.captured_queries)


def test_request_list_shows_every_request_and_filters_by_state(approver_client, create_request, approver):
    create_request(invoice_number="INV-OPEN")
    rejected = create_request(invoice_number="INV-REJECTED")
    services.request_reject(request_id=rejected.pk, user=approver, comment="No.")

    everything = approver_client.get(reverse("workflows:request_list")).content.decode()
    only_rejected = approver_client.get(reverse("workflows:request_list"), {"state": "rejected"}).content.decode()

    assert "INV-OPEN" in everything and "INV-REJECTED" in everything
    assert "On approval" in everything and "Rejected" in everything
    assert "INV-REJECTED" in only_rejected and "INV-OPEN" not in only_rejected


def test_request_list_query_count_does_not_grow_with_its_rows(approver_client, create_request):
    create_request()
    with CaptureQueriesContext(connection) as one_row:
        approver_client.get(reverse("workflows:request_list"))
    for _ in range(10):
        create_request()
    with CaptureQueriesContext(connection) as more_rows:
        approver_client.get(reverse("workflows:request_list"))

    assert len(more_rows.captured_queries) == len(one_row.captured_queries)


def test_request_list_says_an_unknown_state_is_not_one_and_filters_nothing(approver_client, create_request):
    create_request(invoice_number="INV-OPEN")

    response = approver_client.get(reverse("workflows:request_list"), {"state": "<script>"})

    assert response.status_code == 400
    assert "State: Select a valid choice." in response.content.decode()
    assert "INV-OPEN" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_request_list_hides_other_organisations(client, create_request, outsider):
    create_request(invoice_number="INV-SECRET")
    client.force_login(outsider)

    assert "INV-SECRET" not in client.get(reverse("workflows:request_list")).content.decode()
