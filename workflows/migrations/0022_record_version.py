"""A request's record version, and the triggers that change it with anything its page shows."""

from django.db import migrations, models

import workflows.models.request
from approvalmax.core.data_version_sql import run
from workflows import record_version_sql as sql


def install(apps, schema_editor):
    run(schema_editor, sql.install(schema_editor.connection.vendor))


def remove(apps, schema_editor):
    run(schema_editor, sql.remove(schema_editor.connection.vendor))


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0021_document_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="approvalrequest",
            name="record_version",
            field=models.CharField(default=workflows.models.request._new_version, editable=False, max_length=32),
        ),
        migrations.RunPython(install, remove),
    ]
