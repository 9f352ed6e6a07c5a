"""A workflow's changes change its organisation's data-version token (see `core.DataVersion`):
new requests route on what a process holds of the published workflow."""

from django.db import migrations

from approvalmax.core import data_version_sql as sql

BY_WORKFLOW = ("SELECT workflow.organisation_id FROM {rows} AS changed "
               "JOIN workflows_workflow AS workflow ON workflow.id = changed.%s")
BY_STEP = ("SELECT workflow.organisation_id FROM {rows} AS changed "
           "JOIN workflows_workflowstep AS step ON step.id = changed.%s "
           "JOIN workflows_workflow AS workflow ON workflow.id = step.workflow_id")
TABLES = [
    ("workflows_workflow", "organisation_id", sql.DIRECT),
    ("workflows_workflow_required_tracking_categories", "workflow_id", BY_WORKFLOW % "workflow_id"),
    ("workflows_workflowstep", "workflow_id", BY_WORKFLOW % "workflow_id"),
    ("workflows_workflowstep_approvers", "workflowstep_id", BY_STEP % "workflowstep_id"),
    ("workflows_matrixrule", "step_id", BY_STEP % "step_id"),
]


def install(apps, schema_editor):
    sql.run(schema_editor, [s for table in TABLES for s in sql.install(schema_editor.connection.vendor, *table)])


def remove(apps, schema_editor):
    sql.run(schema_editor, [s for table, *_ in TABLES for s in sql.remove(schema_editor.connection.vendor, table)])


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0019_external_change"),
        ("core", "0010_data_version"),
    ]

    operations = [migrations.RunPython(install, remove)]
