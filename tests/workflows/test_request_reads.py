"""A request as its page reads it: with its workflow, current step, supplier and payment account,
from the process's store when read with its organisation's data-version token."""

import pytest

from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import Supplier
from workflows import selectors
from workflows.models import Workflow, WorkflowStep

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_bill(create_request, master_data):
    return create_request(is_paid=True, payment_method_name="Company card", payment_account=master_data["bank"])


def _shown(request) -> tuple:
    return (request.workflow.name, request.current_step.name, request.supplier.name,
            request.payment_account.code, request.organisation.name)


@pytest.mark.parametrize("versioned", [False, True])
def test_the_request_comes_with_what_its_page_shows(paid_bill, approver, versioned, django_assert_num_queries):
    selectors.request_get_for_user(user=approver, public_id=paid_bill.public_id, versioned=versioned)

    with django_assert_num_queries(1):  # the request alone: the rest joined, or held by the process
        request = selectors.request_get_for_user(user=approver, public_id=paid_bill.public_id, versioned=versioned)
        shown = _shown(request)

    assert shown == (paid_bill.workflow.name, paid_bill.current_step.name, "Acme Supplies Ltd", "090",
                     paid_bill.organisation.name)
    assert request.current_step == paid_bill.current_step and request.workflow == paid_bill.workflow


def test_a_change_shows_on_the_next_versioned_read(paid_bill, approver):
    selectors.request_get_for_user(user=approver, public_id=paid_bill.public_id, versioned=True)
    Supplier.objects.filter(pk=paid_bill.supplier_id).update(name="Acme Supplies (UK) Ltd")
    Workflow.objects.filter(pk=paid_bill.workflow_id).update(name="Purchases")
    WorkflowStep.objects.filter(pk=paid_bill.current_step_id).update(name="Finance check")

    request = selectors.request_get_for_user(user=approver, public_id=paid_bill.public_id, versioned=True)

    assert (request.supplier.name, request.workflow.name, request.current_step.name) == (
        "Acme Supplies (UK) Ltd", "Purchases", "Finance check")


def test_a_request_without_them_reads_none(create_request, approver):
    bill = create_request(supplier=None)
    selectors.request_get_for_user(user=approver, public_id=bill.public_id, versioned=True)

    request = selectors.request_get_for_user(user=approver, public_id=bill.public_id, versioned=True)

    assert request.supplier is None and request.payment_account is None


@pytest.mark.parametrize("versioned", [False, True])
def test_another_organisations_request_does_not_exist(paid_bill, outsider, versioned):
    with pytest.raises(NotFound):
        selectors.request_get_for_user(user=outsider, public_id=paid_bill.public_id, versioned=versioned)
