"""The engine reacts to its own announcements: an approved request's audit report is rendered
by its own task, which then announces the request ready to publish."""

from django.dispatch import receiver

from workflows.signals import request_approved
from workflows.tasks import render_audit_report


@receiver(request_approved, dispatch_uid="workflows_render_audit_report_on_approval")
def render_report_when_approved(sender, request, **kwargs) -> None:
    render_audit_report.delay(request.pk)
