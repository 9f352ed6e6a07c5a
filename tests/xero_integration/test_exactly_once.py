"""Every fault between us and Xero ends with exactly one bill, its two attachments and, where
paid, one payment. The sandbox's idempotency window is set to zero so that a blind retry would
create a second document: only looking it up first prevents one."""

import pytest

from tests.xero_integration.helpers import (
    SandboxReader,
    WorkerKilled,
    approved_request,
    killed_after,
    publish_until_done,
    synced_master_data,
)
from workflows.models import ApprovalRequest
from xero_integration.exceptions import XeroUnavailable
from xero_integration.sandbox.faults import fault_arm
from xero_integration.sandbox.models import Fault
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def no_replay_window(settings):
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0


def _paid(organisation, capture):
    bank = synced_master_data(organisation)["bank"]
    return approved_request(organisation, capture, is_paid=True, payment_method_name="Company card",
                            payment_account=bank)


def _assert_exactly_once(settings, organisation, request, *, paid: bool) -> None:
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISHED
    xero = SandboxReader(settings, organisation)
    [bill] = xero.bills()
    assert bill["InvoiceID"] == request.external_id
    assert len(xero.attachments(bill["InvoiceID"])) == 2
    payments = [p for p in xero.payments() if p["Invoice"]["InvoiceID"] == bill["InvoiceID"]]
    assert len(payments) == (1 if paid else 0)
    if paid:
        assert xero.invoice(bill["InvoiceID"])["Status"] == "PAID"


@pytest.mark.parametrize("kind", [Fault.Kind.ERROR, Fault.Kind.LOST_ANSWER])
def test_a_failed_or_lost_bill_create_ends_with_one_bill(
        kind, connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    fault_arm(kind=kind, method="PUT", path_contains="/api.xro/2.0/invoices", times=2)

    publish_until_done(request)

    _assert_exactly_once(settings, connected_organisation, request, paid=True)


def test_a_bill_create_that_times_out_after_xero_created_it_ends_with_one_bill(
        connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    settings.XERO_HTTP_TIMEOUT = 0.5
    fault_arm(kind=Fault.Kind.TIMEOUT, method="PUT", path_contains="/api.xro/2.0/invoices", delay=1.5)

    with pytest.raises(XeroUnavailable):
        tenant_publish(organisation_id=request.organisation_id)
    settings.XERO_HTTP_TIMEOUT = 10
    publish_until_done(request)

    _assert_exactly_once(settings, connected_organisation, request, paid=False)


def test_a_worker_killed_after_xero_created_the_bill_ends_with_one_bill(
        connected_organisation, settings, no_replay_window, monkeypatch, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    with killed_after(monkeypatch, "put_invoices"), pytest.raises(WorkerKilled):
        tenant_publish(organisation_id=request.organisation_id)

    publish_until_done(request)

    _assert_exactly_once(settings, connected_organisation, request, paid=True)


@pytest.mark.parametrize("kind", [Fault.Kind.ERROR, Fault.Kind.LOST_ANSWER])
def test_a_failed_or_lost_payment_ends_with_one_payment(
        kind, connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    fault_arm(kind=kind, method="PUT", path_contains="/api.xro/2.0/payments", times=2)

    publish_until_done(request)

    _assert_exactly_once(settings, connected_organisation, request, paid=True)


def test_a_worker_killed_after_the_payment_ends_with_one_payment(
        connected_organisation, settings, no_replay_window, monkeypatch, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    with killed_after(monkeypatch, "put_payments"), pytest.raises(WorkerKilled):
        tenant_publish(organisation_id=request.organisation_id)

    publish_until_done(request)

    _assert_exactly_once(settings, connected_organisation, request, paid=True)


@pytest.mark.parametrize("kind", [Fault.Kind.ERROR, Fault.Kind.LOST_ANSWER])
def test_failed_or_lost_attachment_uploads_leave_two_attachments(
        kind, connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    fault_arm(kind=kind, method="PUT", path_contains="/attachments/", times=3)

    publish_until_done(request)

    _assert_exactly_once(settings, connected_organisation, request, paid=True)


def test_every_fault_at_once_still_ends_exactly_once(
        connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    for path in ("/api.xro/2.0/invoices", "/attachments/", "/api.xro/2.0/payments"):
        fault_arm(kind=Fault.Kind.LOST_ANSWER, method="PUT", path_contains=path)
        fault_arm(kind=Fault.Kind.ERROR, method="PUT", path_contains=path)
    fault_arm(kind=Fault.Kind.ERROR, method="GET", path_contains="/api.xro/2.0/invoices")

    publish_until_done(request, attempts=12)

    _assert_exactly_once(settings, connected_organisation, request, paid=True)


def test_a_spend_money_transaction_whose_answer_was_lost_is_created_once(
        connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = _paid(connected_organisation, django_capture_on_commit_callbacks)
    ApprovalRequest.objects.filter(pk=request.pk).update(kind=ApprovalRequest.Kind.SPEND_MONEY)
    fault_arm(kind=Fault.Kind.LOST_ANSWER, method="PUT", path_contains="/api.xro/2.0/banktransactions")

    publish_until_done(request)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISHED
    spent = SandboxReader(settings, connected_organisation).get("BankTransactions").json()["BankTransactions"]
    assert [t["BankTransactionID"] for t in spent] == [request.external_id]


@pytest.mark.parametrize("kind", [None, Fault.Kind.LOST_ANSWER])
def test_a_supplier_xero_does_not_know_is_created_as_a_contact_once_first(
        kind, connected_organisation, settings, no_replay_window, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks,
                               supplier=None, supplier_name="Brand New Supplies Ltd")
    if kind:
        fault_arm(kind=kind, method="PUT", path_contains="/api.xro/2.0/contacts")

    publish_until_done(request)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISHED
    [contact] = sandbox_contacts_named("Brand New Supplies Ltd")
    [bill] = SandboxReader(settings, connected_organisation).bills()
    assert bill["Contact"]["ContactID"] == str(contact.contact_id)


def sandbox_contacts_named(name: str) -> list:
    from xero_integration.sandbox.models import Contact

    return list(Contact.objects.filter(name=name))
