"""GET /metrics: what Prometheus scrapes, counted across every process of the deployment."""

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from approvalmax.celery import app as celery_app
from tests.xero_integration.helpers import synced_bill_content
from tests.builders import pdf_document
from workflows import services as workflow_services
from workflows.models import ApprovalRequest
from xero_integration.exceptions import XeroRateLimited
from xero_integration.services.connection import accounting_for
from workflows.outcomes import requests_mark_publish_failed
from xero_integration.services.publishing import tenant_publish


def scrape(client: Client | None = None, **headers) -> dict:
    response = (client or Client()).get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_a_token_is_needed_unless_scraped_on_this_machine(settings):
    settings.METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="203.0.113.5").get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 401

    settings.METRICS_TOKEN = "scrape-me"
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    scrape(Client(REMOTE_ADDR="203.0.113.5"), HTTP_AUTHORIZATION="Bearer scrape-me")


@pytest.mark.django_db
def test_requests_are_counted_by_state(create_request, approver):
    create_request()
    approved = create_request(invoice_number="INV-2")
    workflow_services.request_approve(request_id=approved.pk, user=approver, comment="Not a duplicate: a separate bill.")

    samples = scrape()
    assert value(samples, "approvalmax_requests", state="on_approval") == 1
    assert value(samples, "approvalmax_requests", state="approved") == 1
    assert value(samples, "approvalmax_requests", state="published") == 0


@pytest.mark.django_db
def test_queue_depth_is_read_from_the_broker():
    celery_app.control.purge()
    before = value(scrape(), "approvalmax_queue_depth", queue="celery")
    try:
        celery_app.send_task("xero.publish_sweep")
        celery_app.send_task("xero.publish_sweep")
        assert value(scrape(), "approvalmax_queue_depth", queue="celery") == before + 2
    finally:
        celery_app.control.purge()


@pytest.mark.django_db(transaction=True)
def test_calls_and_429s_are_counted_per_tenant(connected_organisation, settings):
    settings.XERO_SANDBOX_CALLS_PER_MINUTE = 2
    settings.XERO_SANDBOX_TIME_SCALE = 1000
    settings.XERO_RATE_MAX_WAIT = 0
    _, connection = accounting_for(organisation_id=connected_organisation.pk)
    tenant = str(connection.tenant_id)
    before = scrape()
    client, _ = accounting_for(organisation_id=connected_organisation.pk)
    client.budget = None  # our own budget would stop short of Xero's limit; this test wants Xero's 429

    with pytest.raises(XeroRateLimited):
        for _ in range(5):
            client.organisation()

    after = scrape()
    calls = "approvalmax_accounting_calls_total"
    limited = "approvalmax_accounting_rate_limited_total"
    assert value(after, calls, system="xero", tenant=tenant) - value(before, calls, system="xero", tenant=tenant) >= 3
    assert value(after, limited, system="xero", tenant=tenant) - value(before, limited, system="xero", tenant=tenant) == 1


@pytest.mark.django_db(transaction=True)
def test_approval_to_published_time_and_failed_publishes(connected_organisation, django_capture_on_commit_callbacks):
    approver = connected_organisation.workflows.get().steps.get().approvers.first()
    before = scrape()
    for number in ("INV-1", "INV-2"):
        with django_capture_on_commit_callbacks(execute=False):
            request = workflow_services.request_create(organisation=connected_organisation, document=pdf_document(),
                                                       content=synced_bill_content(connected_organisation,
                                                                                   invoice_number=number))  # fmt: skip
            workflow_services.request_approve(request_id=request.pk, user=approver, comment="Not a duplicate: a separate bill.")
        if number == "INV-1":
            tenant_publish(organisation_id=connected_organisation.pk)
    requests_mark_publish_failed(organisation_id=connected_organisation.pk, error="Xero could not be reached.")

    after = scrape()
    histogram = "approvalmax_approval_to_published_seconds"
    assert value(after, histogram + "_count") - value(before, histogram + "_count") == 1
    assert value(after, histogram + "_bucket", le="60.0") - value(before, histogram + "_bucket", le="60.0") == 1
    assert value(after, histogram + "_sum") > value(before, histogram + "_sum")
    failures = "approvalmax_publish_failures_total"
    assert value(after, failures) - value(before, failures) == 1
    assert value(after, "approvalmax_requests", state="publish_failed") == 1
    assert ApprovalRequest.objects.filter(state="published").count() == 1
