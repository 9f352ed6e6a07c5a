"""The data-version token and the triggers that change it (see `DataVersion`).

Triggers rather than signals: `QuerySet.update()`, `bulk_create`, raw SQL and cascades send no
signal, and a cache that missed one of them would code bills with archived accounts."""

import django.db.models.deletion
from django.db import migrations, models

from approvalmax.core import data_version_sql as sql

TABLES = [
    ("core_supplier", "organisation_id", sql.DIRECT),
    ("core_account", "organisation_id", sql.DIRECT),
    ("core_taxrate", "organisation_id", sql.DIRECT),
    ("core_trackingcategory", "organisation_id", sql.DIRECT),
    ("core_membership", "organisation_id", sql.DIRECT),
    ("core_trackingoption", "category_id",
     "SELECT category.organisation_id FROM {rows} AS changed "
     "JOIN core_trackingcategory AS category ON category.id = changed.category_id"),
    # A user's name or email is read for every organisation they belong to.
    ("auth_user", "id",
     "SELECT membership.organisation_id FROM {rows} AS changed "
     "JOIN core_membership AS membership ON membership.user_id = changed.id"),
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    sql.run(schema_editor, [s for table in TABLES for s in sql.install(vendor, *table)])
    sql.run(schema_editor, [f"INSERT INTO core_dataversion (organisation_id, token) "
                            f"SELECT id, {sql.TOKEN[vendor]} FROM core_organisation"])


def remove(apps, schema_editor):
    sql.run(schema_editor, [s for table, *_ in TABLES for s in sql.remove(schema_editor.connection.vendor, table)])


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_auditor_role'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('organisation', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='core.organisation')),
                ('token', models.CharField(max_length=36)),
            ],
        ),
        migrations.RunPython(install, remove),
    ]
