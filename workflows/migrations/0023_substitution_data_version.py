"""A substitution's changes change its organisation's data-version token (see `core.DataVersion`):
a request's page asks the process's store whom its reader substitutes for."""

from django.db import migrations

from approvalmax.core import data_version_sql as sql

TABLE = ("workflows_substitution", "organisation_id", sql.DIRECT)


def install(apps, schema_editor):
    sql.run(schema_editor, sql.install(schema_editor.connection.vendor, *TABLE))


def remove(apps, schema_editor):
    sql.run(schema_editor, sql.remove(schema_editor.connection.vendor, TABLE[0]))


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0022_record_version"),
    ]

    operations = [migrations.RunPython(install, remove)]
