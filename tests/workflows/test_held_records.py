"""What a request's page shows of it (its lines, decisions, waiting approvers, document, trail and
comments), kept by the process under the request's record version, which the database changes
with any of those, whoever writes them: a page seen again reads none of it, and never shows less
than has happened. Each write here commits, as the application's do: a transaction that has
written holds nothing (its own test says why)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from approvalmax.core import versioned_reads
from tests.conftest import require_service
from tests.workflows.helpers import reload, url
from workflows import discussion, selectors, services
from workflows.models import (
    ApprovalRequest,
    Assignment,
    AuditEvent,
    Comment,
    Decision,
    RequestDocument,
    RequestLine,
)
from workflows.trail import audit

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_TABLES = ["workflows_decision", "workflows_assignment", "workflows_requestline", "workflows_requestdocument",
                 "workflows_auditevent", "workflows_comment"]  # fmt: skip


@pytest.fixture
def bill(create_request, second_approver, workflow):
    step = workflow.steps.get()
    step.approvers.add(second_approver)  # either may approve: the page waits for both
    return create_request()


@pytest.fixture
def page(client, bystander):
    client.force_login(bystander)

    def read(request) -> str:
        response = client.get(url("request_detail", request))
        assert response.status_code == 200
        return response.content.decode()

    return read


def _record_tables_read(queries) -> list[str]:
    """The record's tables read as such (not the navigation's count of what waits, which looks at assignments)."""
    return [table for table in RECORD_TABLES for query in queries if query["sql"].startswith(f'SELECT "{table}".')]


def test_a_page_seen_again_reads_none_of_its_record(bill, page, approver):
    services.request_approve(request_id=bill.pk, user=approver, comment="Fine by me.")
    discussion.request_comment(request_id=bill.pk, user=approver, body="Checked the delivery note.")
    first = page(bill)
    with CaptureQueriesContext(connection) as again:
        second = page(bill)

    assert _record_tables_read(again.captured_queries) == []
    assert second == first.replace(_csrf(first), _csrf(second))
    assert "Checked the delivery note." in second and "Fine by me." in second


def _csrf(html: str) -> str:
    start = html.index('name="csrfmiddlewaretoken" value="') + len('name="csrfmiddlewaretoken" value="')
    return html[start:html.index('"', start)]


def test_a_decision_shows_on_the_next_view(bill, page, approver):
    assert "Fine by me." not in page(bill)

    services.request_approve(request_id=bill.pk, user=approver, comment="Fine by me.")

    assert "Fine by me." in page(bill)


def test_a_comment_shows_on_the_next_view(bill, page, approver):
    page(bill)

    discussion.request_comment(request_id=bill.pk, user=approver, body="Checked the delivery note.")

    assert "Checked the delivery note." in page(bill)


# Writes that send no signal and go round every service: the database itself changes the version.
def test_a_line_changed_by_an_update_shows_on_the_next_view(bill, page):
    page(bill)

    RequestLine.objects.filter(request=bill).update(description="Toner cartridges")

    assert "Toner cartridges" in page(bill)


def test_tracking_taken_off_a_line_shows_on_the_next_view(bill, page):
    assert "North" in page(bill)

    RequestLine.tracking.through.objects.filter(requestline__request=bill).delete()

    assert "North" not in page(bill)


def test_an_approver_no_longer_assigned_is_no_longer_awaited(bill, page, second_approver):
    assert second_approver.get_full_name() in _waiting(page(bill))

    Assignment.objects.filter(request=bill, approver=second_approver).delete()

    assert second_approver.get_full_name() not in _waiting(page(bill))


def _waiting(html: str) -> str:
    start = html.index("Waiting for")
    return html[start:start + 400]


def test_a_renamed_document_shows_on_the_next_view(bill, page):
    page(bill)

    RequestDocument.objects.filter(request=bill).update(filename="delivery-note.pdf")

    assert "delivery-note.pdf" in page(bill)


def test_a_renamed_approver_shows_on_the_next_view(bill, page, approver):
    services.request_approve(request_id=bill.pk, user=approver)
    page(bill)

    get_user_model().objects.filter(pk=approver.pk).update(first_name="Roberta")

    assert "Roberta" in page(bill)


def test_a_change_of_the_request_alone_changes_its_version(bill):
    before = reload(bill).record_version

    ApprovalRequest.objects.filter(pk=bill.pk).update(invoice_number="INV-9")

    assert reload(bill).record_version not in {before, ""}


def test_a_save_carrying_an_old_version_does_not_bring_it_back(bill, approver):
    stale = reload(bill)
    discussion.request_comment(request_id=bill.pk, user=approver, body="After the read.")
    seen = reload(bill).record_version

    stale.save()

    assert reload(bill).record_version not in {seen, stale.record_version}


def test_every_record_table_changes_it(bill, approver):
    # One statement each, as the triggers see them: inserts, updates and deletes.
    writes = [
        lambda: Comment.objects.create(request=bill, revision=bill.revision, author=approver, body="Hello"),
        lambda: Comment.objects.filter(request=bill).update(body="Hello again"),
        lambda: Comment.objects.filter(request=bill).delete(),
        lambda: Decision.objects.filter(request=bill).update(comment="Edited"),
        lambda: audit(bill, AuditEvent.Action.COMMENTED, actor=approver, message="A note"),
        lambda: RequestDocument.objects.filter(request=bill).update(filename="other.pdf"),
        lambda: Assignment.objects.filter(request=bill).update(revision=bill.revision),
        lambda: RequestLine.objects.filter(request=bill).update(quantity=2),
        lambda: RequestLine.tracking.through.objects.filter(requestline__request=bill).delete(),
        lambda: Assignment.objects.filter(request=bill).delete(),
    ]
    services.request_approve(request_id=bill.pk, user=approver)
    for number, write in enumerate(writes):
        before = reload(bill).record_version
        write()
        assert reload(bill).record_version != before, number


def test_rows_written_after_the_request_in_its_transaction_leave_its_version(bill, approver):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the triggers leave a request their own transaction wrote only on PostgreSQL")
    with transaction.atomic():
        ApprovalRequest.objects.filter(pk=bill.pk).update(invoice_number="INV-9")  # a new version, unseen
        written = reload(bill).record_version
        discussion.request_comment(request_id=bill.pk, user=approver, body="In the same transaction.")

        assert reload(bill).record_version == written  # no second update of the row
    discussion.request_comment(request_id=bill.pk, user=approver, body="In another.")

    assert reload(bill).record_version != written


def test_a_transaction_that_has_written_holds_nothing(bill, approver):
    # It could still roll back what it wrote, which the version it reads no longer tells apart.
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "SQLite's triggers change the version with every write")
    with transaction.atomic():
        discussion.request_comment(request_id=bill.pk, user=approver, body="Not yet committed.")
        for _ in range(2):
            request = selectors.request_get_for_user(user=approver, public_id=bill.public_id, versioned=True)
            with CaptureQueriesContext(connection) as reads:
                selectors.request_record(request=request), selectors.request_comments(request=request)

            assert len(_record_tables_read(reads.captured_queries)) == 6


def test_a_reader_without_the_token_reads_the_record_each_time(bill):
    request = ApprovalRequest.objects.select_related("organisation").get(pk=bill.pk)
    selectors.request_record(request=request)

    with CaptureQueriesContext(connection) as again:
        selectors.request_record(request=request)

    assert len(_record_tables_read(again.captured_queries)) == 5  # the comments are not part of the record


def test_another_organisations_page_is_not_found(bill, page, client, outsider):
    page(bill)
    client.force_login(outsider)

    assert client.get(url("request_detail", bill)).status_code == 404


def test_the_process_keeps_a_bounded_number_of_rows(organisation, monkeypatch):
    monkeypatch.setattr(versioned_reads, "MOST_WHOLE_ROWS", 4)
    versioned_reads.forget_wholes()
    versioned_reads.remember_token(organisation, "token")
    loads = []

    def held(key, rows=1):
        return versioned_reads.held_whole(organisation, key, lambda: "v1", lambda: loads.append(key) or key,
                                          rows=lambda _: rows)

    for key in range(4):
        held(key)  # four rows: all kept
    held(0)  # read again, so the last to go
    held("big", rows=3)  # seven rows: 1, 2 and 3 make way, least recently read first
    held(0), held(1)

    assert loads == [0, 1, 2, 3, "big", 1]
