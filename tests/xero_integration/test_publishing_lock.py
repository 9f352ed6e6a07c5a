"""Publishing holds a tenant's lock only for Xero's calls: audit reports are rendered before."""

from contextlib import contextmanager

import pytest

from tests.xero_integration.helpers import approved_request
from workflows import audit_reports
from workflows.models import ApprovalRequest, AuditReport
from xero_integration.services import publishing
from xero_integration.services.publishing import tenant_publish

pytestmark = pytest.mark.django_db(transaction=True)


def test_reports_are_rendered_before_the_tenant_lock_is_taken(connected_organisation, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    requests = [approved_request(connected_organisation, django_capture_on_commit_callbacks, invoice_number=n)
                for n in ("INV-1", "INV-2")]
    holding = []
    real_exclusive, real_render = publishing.exclusive, audit_reports.render_audit_report

    @contextmanager
    def watched(*args, **kwargs):
        with real_exclusive(*args, **kwargs):
            holding.append(True)
            try:
                yield
            finally:
                holding.pop()

    rendered_under_lock = []

    def render(**kwargs):
        rendered_under_lock.append(bool(holding))
        return real_render(**kwargs)

    monkeypatch.setattr(publishing, "exclusive", watched)
    monkeypatch.setattr(audit_reports, "render_audit_report", render)

    tenant_publish(organisation_id=connected_organisation.pk)

    assert rendered_under_lock == [False, False]
    assert set(ApprovalRequest.objects.values_list("state", flat=True)) == {ApprovalRequest.State.PUBLISHED}
    assert AuditReport.objects.filter(request__in=requests).count() == 2


def test_a_report_rendered_on_approval_is_the_one_attached(connected_organisation, monkeypatch, settings,
                                                           django_capture_on_commit_callbacks):
    from tests.xero_integration.helpers import SandboxReader

    request = approved_request(connected_organisation, django_capture_on_commit_callbacks)
    report = audit_reports.audit_report_ensure(request=request)
    monkeypatch.setattr(audit_reports, "render_audit_report", lambda **kw: pytest.fail("rendered again"))

    tenant_publish(organisation_id=connected_organisation.pk)

    request.refresh_from_db()
    xero = SandboxReader(settings, connected_organisation)
    [attached] = [a for a in xero.attachments(request.external_id) if a["FileName"].startswith("Approval audit")]
    report.file.open("rb")
    assert xero.attachment_bytes(request.external_id, attached["FileName"]) == report.file.read()
