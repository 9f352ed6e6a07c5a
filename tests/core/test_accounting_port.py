"""The accounting system is a port: the core, the engine and the Dext side reach it only through
the registry, and none of them names a system."""

import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery import signature
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.accounting import AccountingSystem, ConnectionState
from tests.builders import bill_content, pdf_document
from tests.factories import OrganisationFactory
from workflows import checks, services
from workflows.models import ApprovalRequest
from workflows.tasks import fail_unconnected, render_audit_report
from xero_integration.models import XeroConnection
from xero_integration.system import XeroSystem

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]

# Outside the adapters: the core, the engine, the Dext side (its stand-in aside), the shared templates.
NEUTRAL = ["approvalmax/core", "approvalmax/budgets", "workflows", "dext_integration", "templates", "static"]
# The Dext API's own field names (INTERFACES.md §3) are a contract, kept as they were: a line that
# fills one may say which system it is for.
CONTRACT = re.compile(r"xero_contact_id|xero_invoice_id|xero_url")
NAMED = re.compile(r"xero|quickbooks|\bqbo\b|intuit", re.IGNORECASE)


class Ledger(AccountingSystem):
    """A system of our own making, to show the dispatch goes to whichever is registered."""

    key = "ledger"
    name = "Ledger"
    connection_url_name = "workflows:inbox"

    def __init__(self, connected_ids):
        self.connected_ids = connected_ids
        self.published, self.asked = [], []

    def connection(self, organisation_id):
        if organisation_id not in self.connected_ids:
            return None
        return ConnectionState(system=self, company_name="Ledger Co", connected=True)

    def master_data_refresh(self, organisation_id):
        return signature("ledger.refresh", args=(organisation_id,))

    def publish_approved(self, organisation_id):
        self.published.append(organisation_id)

    def problems_before_approval(self, request):
        self.asked.append(request.pk)
        return ["The ledger is closed."]


@pytest.fixture
def create_request(organisation, master_data, workflow):
    return lambda: services.request_create(organisation=organisation, content=bill_content(master_data),
                                           document=pdf_document())


@pytest.fixture
def ledger(organisation):
    system = accounting.register(Ledger({organisation.pk}))
    yield system
    accounting.unregister(system.key)


def test_nothing_outside_the_adapters_names_an_accounting_system():
    offences = []
    for folder in NEUTRAL:
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if not path.is_file() or path.suffix not in {".py", ".html", ".txt", ".css", ".js"} \
                    or "/migrations/" in relative or relative.startswith("dext_integration/sandbox/"):
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if NAMED.search(line) and not CONTRACT.search(line):
                    offences.append(f"{relative}:{number}: {line.strip()}")
    assert offences == []


def test_an_organisation_with_a_xero_connection_uses_xero(organisation):
    assert accounting.system_for(organisation.pk) is None
    XeroConnection.objects.create(
        organisation=organisation, tenant_id=uuid.uuid4(), tenant_name="Demo Trading Ltd", access_token="a",
        refresh_token="r", access_token_expires_at=timezone.now() + timedelta(minutes=30))

    state = accounting.connection_for(organisation.pk)

    assert isinstance(state.system, XeroSystem) and state.company_name == "Demo Trading Ltd" and state.connected
    assert accounting.master_data_refresh(organisation.pk).task == "xero.sync_master_data"


def test_the_engine_asks_the_organisations_system_and_no_other(ledger, create_request):
    request = create_request()
    other = OrganisationFactory()

    assert checks.problems_before_approval(request) == ["The ledger is closed."]
    assert ledger.asked == [request.pk]
    assert accounting.system_for(other.pk) is None
    assert accounting.master_data_refresh(request.organisation_id).task == "ledger.refresh"
    assert accounting.master_data_refresh(other.pk) is None


def test_an_approved_request_goes_to_the_organisations_system(ledger, create_request, approver,
                                                              django_capture_on_commit_callbacks):
    request = services.request_approve(request_id=create_request().pk, user=approver)

    with django_capture_on_commit_callbacks(execute=True):
        render_audit_report.apply(args=[request.pk])

    assert ledger.published == [request.organisation_id]
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED


def test_without_a_system_an_approved_request_fails_visibly(create_request, approver,
                                                            django_capture_on_commit_callbacks):
    request = create_request()
    assert checks.problems_before_approval(request) == [accounting.NOT_CONNECTED]
    request = services.request_approve(request_id=request.pk, user=approver)

    with django_capture_on_commit_callbacks(execute=True):
        render_audit_report.apply(args=[request.pk])

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISH_FAILED
    assert request.publish_error == accounting.NOT_CONNECTED


def test_a_system_needs_a_key_and_a_name():
    with pytest.raises(ValueError):
        accounting.register(AccountingSystem())


def test_the_sweep_fails_what_waits_without_a_system_and_leaves_the_others(ledger, create_request, approver,
                                                                           settings):
    settings.PUBLISH_SWEEP_GRACE_SECONDS = 0
    connected = services.request_approve(request_id=create_request().pk, user=approver)
    elsewhere = OrganisationFactory()
    stranded = ApprovalRequest.objects.filter(pk=connected.pk)
    stranded.update(organisation=elsewhere)  # the same approved request, in an organisation without a system

    assert fail_unconnected.apply().get() == 1
    assert ApprovalRequest.objects.get(pk=connected.pk).state == ApprovalRequest.State.PUBLISH_FAILED

    again = services.request_approve(request_id=create_request().pk, user=approver)
    assert fail_unconnected.apply().get() == 0
    assert ApprovalRequest.objects.get(pk=again.pk).state == ApprovalRequest.State.APPROVED


def test_one_query_asks_every_system_that_gives_its_rows(organisation, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert accounting.connection_for(organisation.pk) is None
    XeroConnection.objects.create(
        organisation=organisation, tenant_id=uuid.uuid4(), tenant_name="Demo Trading Ltd", access_token="a",
        refresh_token="r", access_token_expires_at=timezone.now() + timedelta(minutes=30),
        status=XeroConnection.Status.NEEDS_RECONNECTING, problem="Xero refused the refresh token.")

    with django_assert_num_queries(1):
        state = accounting.connection_for(organisation.pk)

    assert (state.system.key, state.company_name, state.connected, state.problem) == (
        "xero", "Demo Trading Ltd", False, "Xero refused the refresh token.")
