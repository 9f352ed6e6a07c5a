"""Requests already waiting when matrix routing arrived keep waiting for their step's approvers."""

from django.db import migrations


def assign_open_requests(apps, schema_editor):
    ApprovalRequest = apps.get_model("workflows", "ApprovalRequest")
    Assignment = apps.get_model("workflows", "Assignment")
    waiting = ApprovalRequest.objects.filter(state="on_approval", current_step__isnull=False)
    for request in waiting.select_related("current_step").iterator():
        for approver in request.current_step.approvers.all():
            Assignment.objects.get_or_create(
                request=request, revision=request.revision, step=request.current_step, approver=approver
            )


class Migration(migrations.Migration):
    dependencies = [("workflows", "0002_matrix_routing_versions_and_review")]

    operations = [migrations.RunPython(assign_open_requests, migrations.RunPython.noop)]
