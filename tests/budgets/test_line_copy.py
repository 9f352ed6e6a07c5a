"""Each line keeps its request's month, what it counts as against budgets (spent, on approval or
nothing) and its net amount, so that the budget check reads one index: the copy follows every
decision, publication, resubmission, edit and the migration that fills it for existing lines."""

import importlib
from datetime import date
from decimal import Decimal
from unittest.mock import ANY

import pytest
from django.apps import apps

from tests.builders import bill_content, pdf_document
from tests.workflows.helpers import reload
from workflows import editing, outcomes, services
from workflows.models import ApprovalRequest, RequestLine, WorkflowStep

pytestmark = pytest.mark.django_db


def _copy(request) -> list[tuple]:
    return list(RequestLine.objects.filter(request=request).order_by("revision", "position")
                .values_list("revision", "month", "counts_as", "net_amount"))


def test_a_request_on_approval_counts_as_open_then_spent_once_approved_and_published(create_request, approver):
    request = create_request()
    assert _copy(request) == [(1, date(2026, 11, 1), "open", Decimal("45.00"))]

    services.request_approve(request_id=request.pk, user=approver)
    assert _copy(request)[0][2] == "spent"

    outcomes.request_mark_published(request_id=request.pk, external_system="xero", external_id="x-1",
                                    external_url="https://go.xero.com/x-1")
    assert _copy(request)[0][2] == "spent"


@pytest.mark.parametrize("ends", ["reject", "cancel"])
def test_a_rejected_or_cancelled_request_counts_for_nothing(create_request, approver, ends):
    request = create_request()
    if ends == "reject":
        services.request_reject(request_id=request.pk, user=approver, comment="Not ours.")
    else:
        services.request_cancel(request_id=request.pk, actor_label="Dext")

    assert _copy(request)[0][2] == ""


def test_a_new_revision_counts_only_its_own_lines_in_its_new_month(create_request, master_data):
    request = create_request()
    content = bill_content(master_data, date=date(2026, 12, 3), tax_treatment="inclusive")

    services.request_resubmit(request_id=request.pk, content=content, document=pdf_document())

    assert _copy(request) == [(1, date(2026, 12, 1), "", ANY),  # no longer counted
                              (2, date(2026, 12, 1), "open", Decimal("36.00"))]  # 45.00 with 9.00 of tax in it


def test_a_credit_note_is_not_counted(create_request, master_data):
    request = create_request(kind="credit_note")

    assert _copy(request)[0][2] == ""


def test_a_split_line_keeps_the_copy_on_both_parts(create_request, workflow, approver):
    step = workflow.steps.get()
    step.editable_fields = [WorkflowStep.EditableField.SPLIT]
    step.save()
    request = create_request()

    editing.request_line_split(request_id=request.pk, user=approver, line_id=reload(request).current_lines().get().pk,
                               amount=Decimal("15.00"))

    assert _copy(request) == [(1, date(2026, 11, 1), "open", Decimal("30.00")),
                              (1, date(2026, 11, 1), "open", Decimal("15.00"))]


def test_the_migration_fills_the_copy_of_lines_written_before_it(create_request, approver, master_data):
    approved, rejected = create_request(source_reference="A"), create_request(source_reference="R")
    services.request_approve(request_id=approved.pk, user=approver, comment="Another bill.")
    services.request_reject(request_id=rejected.pk, user=approver, comment="No.")
    inclusive = create_request(source_reference="I", **{"tax_treatment": "inclusive"})
    expected = {r.pk: _copy(r) for r in (approved, rejected, inclusive)}
    RequestLine.objects.update(month=None, counts_as="", net_amount=0)

    migration = importlib.import_module("workflows.migrations.0016_budget_copy_on_lines")
    migration.count_existing_lines(apps, None)

    assert {r.pk: _copy(r) for r in (approved, rejected, inclusive)} == expected
    assert expected[inclusive.pk][0][3] == Decimal("36.00")


def test_a_request_read_again_counts_its_lines_from_what_it_holds_when_saved(create_request):
    """A request saved after being read counts its lines from what it holds, whatever happened before."""
    request = create_request()
    ApprovalRequest.objects.filter(pk=request.pk).update(date=date(2026, 10, 5))
    request = reload(request)
    request.refresh_from_db()

    request.save()

    assert _copy(request)[0][1] == date(2026, 10, 1)


def test_a_save_that_changes_nothing_budgets_depend_on_updates_no_line(create_request, django_assert_num_queries):
    request = reload(create_request())
    request.hold_reason = "Checking."

    with django_assert_num_queries(1):
        request.save(update_fields=["hold_reason"])
    with django_assert_num_queries(1):
        request.save()
