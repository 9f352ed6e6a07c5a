"""Audit reports are rendered once per approved revision, by their own task as soon as a request
is approved, so that publishing holds a tenant's lock only for the accounting system's calls."""

import uuid

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from workflows.audit_report import render_audit_report
from workflows.models import ApprovalRequest, AuditReport


def audit_report_get(*, request: ApprovalRequest) -> AuditReport | None:
    return AuditReport.objects.filter(request=request, revision=request.revision).first()


def audit_report_ensure(*, request: ApprovalRequest) -> AuditReport:
    """The revision's report, rendered now if nobody has yet. Two renderers may race: the first
    to save wins, and the other's file is dropped. Each render has a name of its own: object
    storage gives two writers that both found a name free the same key, and dropping the loser's
    file would then delete the winner's."""
    existing = audit_report_get(request=request)
    if existing is not None:
        return existing
    report = AuditReport(request=request, revision=request.revision)
    name = f"{request.public_id}-r{request.revision}-{uuid.uuid4().hex[:12]}.pdf"
    report.file.save(name, ContentFile(render_audit_report(request=request)), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        report.file.delete(save=False)
        return AuditReport.objects.get(request=request, revision=request.revision)
    return report


def audit_reports_ready(requests: list[ApprovalRequest]) -> set[int]:
    """Which of these requests have their current revision's report (one query)."""
    if not requests:
        return set()
    pairs = {(r.pk, r.revision) for r in requests}
    rows = AuditReport.objects.filter(request__in=[r.pk for r in requests]).values_list("request_id", "revision")
    return {request_id for request_id, revision in rows if (request_id, revision) in pairs}
