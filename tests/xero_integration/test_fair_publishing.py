"""A few workers serve many tenants: a publisher whose window is spent hands its worker on and
resumes when the window turns, without using up a retry or failing anything."""

import json

import pytest
import redis
from django.utils import timezone

from approvalmax.core.ratebudget import TurnEnded
from tests.xero_integration.helpers import approved_request
from workflows.models import ApprovalRequest
from xero_integration import client as xero_client
from xero_integration.models import XeroConnection, XeroPublication
from xero_integration.services import publishing
from xero_integration.tasks import publish_tenant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def publishing_queue(settings):
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete("publishing")
    yield lambda: [json.loads(message) for message in broker.lrange("publishing", 0, -1)]
    broker.delete("publishing")


@pytest.fixture
def two_calls_a_window(settings):
    # Windows of 100 minutes, so that none turns during the test; two calls in each.
    settings.XERO_RATE_TIME_SCALE = 100
    settings.XERO_CALLS_PER_MINUTE = 2
    settings.XERO_PUBLISH_MAX_WAIT = 0


def test_a_spent_window_hands_the_worker_on_and_resumes_later_without_using_a_retry(
        connected_organisation, two_calls_a_window, publishing_queue, django_capture_on_commit_callbacks):
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)

    publish_tenant(connected_organisation.pk)  # the bill and its document; the report must wait

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED and not request.publish_error
    publication = XeroPublication.objects.get(request=request)
    assert publication.invoice_id and publication.document_attached and not publication.report_attached
    connection = XeroConnection.objects.get(organisation=connected_organisation)
    assert connection.publish_retry_at > timezone.now()
    [message] = publishing_queue()
    headers = message["headers"]
    assert headers["task"] == "xero.publish_tenant" and headers["argsrepr"] == f"({connected_organisation.pk},)"
    assert headers["eta"] and headers["retries"] == 0


def test_the_apps_spent_window_also_hands_the_worker_on(
        connected_organisation, two_calls_a_window, publishing_queue, settings, django_capture_on_commit_callbacks):
    settings.XERO_CALLS_PER_MINUTE = 60
    settings.XERO_APP_CALLS_PER_MINUTE = 1
    settings.XERO_CLIENT_ID = f"sandbox-client-{connected_organisation.pk}-{timezone.now().timestamp()}"
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)

    publish_tenant(connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED
    assert XeroPublication.objects.get(request=request).invoice_id
    [message] = publishing_queue()
    assert message["headers"]["retries"] == 0


def test_a_publisher_takes_turns_with_the_other_tenants_and_finishes_on_its_next_turn(
        connected_organisation, publishing_queue, settings, django_capture_on_commit_callbacks):
    settings.XERO_PUBLISH_TURN_CALLS = 2
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)

    publish_tenant(connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED
    publication = XeroPublication.objects.get(request=request)
    assert publication.document_attached and not publication.report_attached
    [message] = publishing_queue()
    assert message["headers"]["eta"] is None and message["headers"]["retries"] == 0  # the back of the queue, now
    assert XeroConnection.objects.get(organisation=connected_organisation).publish_retry_at is None

    publish_tenant(connected_organisation.pk)

    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.PUBLISHED
    assert len(publishing_queue()) == 1  # nothing more enqueued: nothing waits


def test_a_turn_that_ends_mid_batch_leaves_each_finished_bill_published(
        connected_organisation, publishing_queue, settings, django_capture_on_commit_callbacks):
    settings.XERO_PUBLISH_TURN_CALLS = 3  # the batch's PUT /Invoices and the first bill's two attachments
    first, second = (approved_request(connected_organisation, django_capture_on_commit_callbacks,
                                      invoice_number=f"T-{n}", source_reference=f"T-{n}") for n in range(2))

    publish_tenant(connected_organisation.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == ApprovalRequest.State.PUBLISHED and first.external_id
    assert second.state == ApprovalRequest.State.APPROVED


def test_turns_finish_a_batch_before_creating_the_next_in_one_call(
        connected_organisation, settings, monkeypatch, django_capture_on_commit_callbacks):
    # Batches of three, turns of three calls: the batch's PUT /Invoices and a bill's two
    # attachments, then the finished bills' places are not refilled one request at a time.
    monkeypatch.setattr(publishing, "BATCH_SIZE", 3)
    settings.XERO_PUBLISH_TURN_CALLS = 3
    requests = [approved_request(connected_organisation, django_capture_on_commit_callbacks,
                                 invoice_number=f"T-{n}", source_reference=f"T-{n}") for n in range(5)]
    creates = []
    original = xero_client._send

    def counting(session, method, url, **kwargs):
        if method == "PUT" and url.split("?")[0].endswith("/Invoices"):
            creates.append(url)
        return original(session, method, url, **kwargs)

    monkeypatch.setattr(xero_client, "_send", counting)
    for _ in range(20):
        try:
            if not publishing.tenant_publish(organisation_id=connected_organisation.pk):
                break
        except TurnEnded:
            continue

    assert len(creates) == 2  # ceil(5 / 3)
    assert {ApprovalRequest.objects.get(pk=r.pk).state for r in requests} == {ApprovalRequest.State.PUBLISHED}
