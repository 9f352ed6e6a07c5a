"""An approved revision's audit report is rendered once, by its own task, which then announces
the request ready to publish."""

import pytest

from workflows import audit_reports, services
from workflows.audit_reports import audit_report_ensure
from workflows.models import AuditReport
from workflows.signals import request_ready_to_publish
from workflows.tasks import render_audit_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready():
    announced = []
    request_ready_to_publish.connect(lambda sender, request, **kw: announced.append(request.pk), weak=False,
                                     dispatch_uid="test-ready")  # fmt: skip
    yield announced
    request_ready_to_publish.disconnect(dispatch_uid="test-ready")


def approved(create_request, approver):
    request = create_request()
    return services.request_approve(request_id=request.pk, user=approver)


def test_the_task_renders_the_report_and_announces_the_request_ready(create_request, approver, ready,
                                                                     django_capture_on_commit_callbacks):
    request = approved(create_request, approver)

    with django_capture_on_commit_callbacks(execute=True):
        render_audit_report.apply(args=[request.pk])

    report = AuditReport.objects.get(request=request, revision=request.revision)
    assert report.file.read().startswith(b"%PDF-")
    assert ready == [request.pk]


def test_a_replayed_task_keeps_the_first_report(create_request, approver, monkeypatch,
                                                django_capture_on_commit_callbacks):
    request = approved(create_request, approver)
    with django_capture_on_commit_callbacks(execute=True):
        render_audit_report.apply(args=[request.pk])
    first = AuditReport.objects.get(request=request).file.read()
    monkeypatch.setattr(audit_reports, "render_audit_report", lambda **kw: pytest.fail("rendered twice"))

    with django_capture_on_commit_callbacks(execute=True):
        render_audit_report.apply(args=[request.pk])

    assert AuditReport.objects.get(request=request).file.read() == first


def test_two_renderers_racing_keep_one_report(create_request, approver, monkeypatch):
    request = approved(create_request, approver)
    real = audit_reports.render_audit_report

    def render_while_another_finishes(**kwargs):
        pdf = real(**kwargs)
        monkeypatch.setattr(audit_reports, "render_audit_report", real)
        audit_report_ensure(request=request)  # the other renderer saves first
        return pdf

    monkeypatch.setattr(audit_reports, "render_audit_report", render_while_another_finishes)
    kept = audit_report_ensure(request=request)

    assert AuditReport.objects.filter(request=request).count() == 1
    assert kept == AuditReport.objects.get(request=request)


def test_racing_renderers_on_storage_that_overwrites_keep_the_winners_file(create_request, approver, monkeypatch,
                                                                           settings):
    """Object storage writes a key whoever wrote it before (two renderers that both found a name
    free get the same one): here the local disk is told to do the same."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"allow_overwrite": True}}}
    test_two_renderers_racing_keep_one_report(create_request, approver, monkeypatch)

    kept = AuditReport.objects.get()
    with kept.file.open("rb") as handle:
        assert handle.read().startswith(b"%PDF-")


def test_a_request_no_longer_approved_is_left_alone(create_request, ready, django_capture_on_commit_callbacks):
    request = create_request()

    with django_capture_on_commit_callbacks(execute=True):
        render_audit_report.apply(args=[request.pk])

    assert not AuditReport.objects.exists()
    assert ready == []


def test_approval_enqueues_the_rendering_on_the_reports_queue(create_request, approver,
                                                               django_capture_on_commit_callbacks):
    from approvalmax.celery import app

    request = create_request()
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_approve(request_id=request.pk, user=approver)
    assert callbacks  # the announcement waits for the commit

    assert app.amqp.router.route({}, "workflows.render_audit_report")["queue"].name == "reports"
    assert app.amqp.router.route({}, "xero.publish_tenant")["queue"].name == "publishing"
    assert app.amqp.router.route({}, "xero.sync_master_data")["queue"].name == "sync"
    assert app.amqp.router.route({}, "dext.push_master_data")["queue"].name == "sync"
    assert app.amqp.router.route({}, "xero.publish_sweep")["queue"].name == "celery"
