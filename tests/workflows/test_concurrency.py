"""Approvers pressing at the same instant, on PostgreSQL with real threads.

Each thread calls the service on its own database connection; a barrier releases them
together. The services lock the request row (`select_for_update`) before deciding: the tests
without the lock show what it prevents."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_fsm import ConcurrentTransition

from tests.conftest import require_service
from tests.workflows.helpers import add_step, events, reload
from workflows import record_version_sql, services
from workflows.exceptions import AlreadyDecided
from workflows.models import ApprovalRequest, AuditEvent, Decision, WorkflowStep
from workflows.signals import request_approved

pytestmark = pytest.mark.django_db(transaction=True)
State = ApprovalRequest.State
Action = AuditEvent.Action


@pytest.fixture(autouse=True)
def _postgresql(db):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "row locks are tested against the database production runs on")


@pytest.fixture
def announced(monkeypatch):
    """Every `request_approved` the engine sends, in place of the adapters' receivers (so no
    task reaches a broker from these committed transactions)."""
    received = []
    monkeypatch.setattr(request_approved, "receivers", [])
    request_approved.connect(lambda sender, request, **kwargs: received.append(request.pk), weak=False)
    return received


@pytest.fixture
def enqueued(announced):
    """What an adapter enqueues on commit when the engine announces an approval, as the Xero
    publisher does: only committed announcements count."""
    sent = []
    request_approved.connect(
        lambda sender, request, **kwargs: transaction.on_commit(lambda: sent.append(request.pk)), weak=False
    )
    return sent


def at_once(*calls):
    """Run the calls in threads released together; each returns its result or its exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return results


def approve(request, user, step_id=None):
    return lambda: services.request_approve(request_id=request.pk, user=user, step_id=step_id)


def test_any_of_step_completes_once_when_two_approve_together(create_request, workflow, approver, second_approver,
                                                              organisation, enqueued):
    workflow.steps.get().approvers.add(second_approver)
    add_step(workflow, position=2, approvers=[approver])
    request = create_request()
    seen = reload(request).current_step_id

    results = at_once(approve(request, approver, seen), approve(request, second_approver, seen))

    assert sum(isinstance(r, ApprovalRequest) for r in results) == 1
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 1 and isinstance(refused[0], AlreadyDecided)
    assert "already been decided" in refused[0].message
    request = reload(request)
    assert request.current_step.position == 2
    assert len(events(request, Action.STEP_COMPLETED)) == 1
    assert Decision.objects.filter(request=request).count() == 1
    assert enqueued == []


def test_final_any_of_approval_enqueues_publishing_exactly_once(create_request, workflow, approver, second_approver,
                                                                enqueued, announced):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()

    results = at_once(approve(request, approver), approve(request, second_approver))

    assert reload(request).state == State.APPROVED
    assert sorted(type(r).__name__ for r in results) == ["AlreadyDecided", "ApprovalRequest"]
    assert announced == [request.pk]
    assert enqueued == [request.pk]
    assert len(events(request, Action.FULLY_APPROVED)) == 1


def test_all_of_step_counts_both_decisions_and_completes_once(create_request, workflow, approver, second_approver,
                                                              enqueued, announced):
    step = workflow.steps.get()
    step.mode = WorkflowStep.Mode.ALL
    step.save()
    step.approvers.add(second_approver)
    request = create_request()

    results = at_once(approve(request, approver), approve(request, second_approver))

    assert all(isinstance(r, ApprovalRequest) for r in results)
    request = reload(request)
    assert request.state == State.APPROVED
    assert Decision.objects.filter(request=request).count() == 2
    assert len(events(request, Action.STEP_COMPLETED)) == 1
    assert announced == [request.pk]
    assert enqueued == [request.pk]


def test_a_rejection_and_an_approval_together_leave_one_decision_standing(create_request, workflow, approver,
                                                                          second_approver, enqueued):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()

    results = at_once(approve(request, approver),
                      lambda: services.request_reject(request_id=request.pk, user=second_approver, comment="No."))

    winners = [r for r in results if isinstance(r, ApprovalRequest)]
    assert len(winners) == 1
    assert isinstance(next(r for r in results if isinstance(r, Exception)), AlreadyDecided)
    assert reload(request).state in (State.APPROVED, State.REJECTED)
    assert enqueued == ([request.pk] if reload(request).state == State.APPROVED else [])


def test_pressing_together_in_the_browser_answers_already_decided_not_an_error(create_request, workflow, approver,
                                                                               second_approver, enqueued):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()
    url = reverse("workflows:request_approve", kwargs={"public_id": request.public_id})
    step = reload(request).current_step_id
    clients = []
    for user in (approver, second_approver):
        client = Client()
        client.force_login(user)
        clients.append(client)

    results = at_once(*(lambda c=c: c.post(url, {"comment": "", "step": step}, follow=True) for c in clients))

    assert [r.status_code for r in results] == [200, 200]
    pages = [r.content.decode() for r in results]
    assert sum("You approved INV-4411" in page for page in pages) == 1
    assert sum("already been decided" in page for page in pages) == 1
    assert enqueued == [request.pk]


@pytest.fixture
def without_the_record_version():
    """The database without the triggers that renew a request's record version: a decision's
    insert updates the request, which takes the row's lock as well."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in record_version_sql.remove(vendor):
            cursor.execute(statement)
    yield
    with connection.cursor() as cursor:
        for statement in record_version_sql.install(vendor):
            cursor.execute(statement)


@pytest.fixture
def without_the_row_lock(monkeypatch, without_the_record_version):
    """The services as they would be with a plain read: both threads read the request before
    either writes, then check completeness before either commits."""
    read, check, checked = threading.Barrier(2), threading.Barrier(2), threading.Barrier(2)
    real_step_complete = services._step_complete

    def unlocked(request_id):
        request = ApprovalRequest.objects.get(pk=request_id)
        read.wait(timeout=10)
        return request

    def step_complete_together(request):
        check.wait(timeout=10)
        complete = real_step_complete(request)
        # Neither commits until both have looked, or the later one would see the earlier's decision.
        checked.wait(timeout=10)
        return complete

    monkeypatch.setattr(services, "locked_request", unlocked)
    monkeypatch.setattr(services, "_step_complete", step_complete_together)
    # The audit chain's head is a row lock of its own, which would serialise the threads too.
    monkeypatch.setattr(services, "_audit", lambda *args, **kwargs: None)


def test_without_the_lock_an_all_of_step_would_never_complete(without_the_row_lock, create_request, workflow,
                                                              approver, second_approver, enqueued):
    step = workflow.steps.get()
    step.mode = WorkflowStep.Mode.ALL
    step.save()
    step.approvers.add(second_approver)
    request = create_request()

    at_once(approve(request, approver), approve(request, second_approver))

    request = reload(request)
    assert Decision.objects.filter(request=request).count() == 2
    assert request.state == State.ON_APPROVAL
    assert request.current_approver_ids() == set()
    assert events(request, Action.STEP_COMPLETED) == []
    assert enqueued == []


def test_without_the_lock_the_second_approver_would_get_an_error(without_the_row_lock, create_request, workflow,
                                                                 approver, second_approver, enqueued):
    workflow.steps.get().approvers.add(second_approver)
    request = create_request()

    results = at_once(approve(request, approver), approve(request, second_approver))

    assert sum(isinstance(r, ConcurrentTransition) for r in results) == 1
    assert not any(isinstance(r, AlreadyDecided) for r in results)
    assert reload(request).state == State.APPROVED
