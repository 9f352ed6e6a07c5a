"""Master data names no accounting system: `xero_*_id` become `external_id` (text, as QuickBooks
ids are numbers and Xero's are GUIDs) beside `external_system`. Every row so far came from Xero."""

import uuid

from django.db import migrations, models

MIRRORED = ["supplier", "account", "taxrate", "trackingcategory"]
WITH_IDS = ["supplier", "account", "trackingcategory", "trackingoption"]


def _hyphenated(value):
    # SQLite stored UUIDField as 32 hex digits; Xero spells a GUID with hyphens.
    return str(uuid.UUID(value)) if value else value


def mark_as_xero(apps, schema_editor):
    for name in MIRRORED:
        rows = apps.get_model("core", name).objects
        # A supplier introduced by a cost item has no id anywhere yet, so no system either.
        (rows.exclude(external_id=None) if name == "supplier" else rows).update(external_system="xero")
    for name in WITH_IDS:
        model = apps.get_model("core", name)
        for row in model.objects.exclude(external_id=None).only("pk", "external_id").iterator():
            spelled = _hyphenated(row.external_id)
            if spelled != row.external_id:
                model.objects.filter(pk=row.pk).update(external_id=spelled)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_chain"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="supplier", name="supplier_unique_xero_id"),
        migrations.RemoveConstraint(model_name="account", name="account_unique_xero_id"),
        migrations.RemoveConstraint(model_name="taxrate", name="tax_rate_unique_type"),
        migrations.RemoveConstraint(model_name="trackingcategory", name="tracking_category_unique_xero_id"),
        migrations.RemoveConstraint(model_name="trackingoption", name="tracking_option_unique_xero_id"),
        migrations.RenameField(model_name="supplier", old_name="xero_contact_id", new_name="external_id"),
        migrations.RenameField(model_name="account", old_name="xero_account_id", new_name="external_id"),
        migrations.RenameField(model_name="trackingcategory", old_name="xero_tracking_category_id",
                               new_name="external_id"),
        migrations.RenameField(model_name="trackingoption", old_name="xero_tracking_option_id",
                               new_name="external_id"),
        migrations.AlterField(model_name="supplier", name="external_id",
                              field=models.CharField(blank=True, max_length=64, null=True)),
        migrations.AlterField(model_name="account", name="external_id", field=models.CharField(max_length=64)),
        migrations.AlterField(model_name="trackingcategory", name="external_id",
                              field=models.CharField(max_length=64)),
        migrations.AlterField(model_name="trackingoption", name="external_id", field=models.CharField(max_length=64)),
        *[
            migrations.AddField(model_name=name, name="external_system",
                                field=models.CharField(blank=True, max_length=20))
            for name in MIRRORED
        ],
        migrations.AddConstraint(
            model_name="supplier",
            constraint=models.UniqueConstraint(condition=models.Q(external_id__isnull=False),
                                               fields=("organisation", "external_system", "external_id"),
                                               name="supplier_unique_external_id"),
        ),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(fields=("organisation", "external_system", "external_id"),
                                               name="account_unique_external_id"),
        ),
        migrations.AddConstraint(
            model_name="taxrate",
            constraint=models.UniqueConstraint(fields=("organisation", "external_system", "tax_type"),
                                               name="tax_rate_unique_type"),
        ),
        migrations.AddConstraint(
            model_name="trackingcategory",
            constraint=models.UniqueConstraint(fields=("organisation", "external_system", "external_id"),
                                               name="tracking_category_unique_external_id"),
        ),
        migrations.AddConstraint(
            model_name="trackingoption",
            constraint=models.UniqueConstraint(fields=("category", "external_id"),
                                               name="tracking_option_unique_external_id"),
        ),
        # Last: on PostgreSQL, schema changes after updates in one transaction meet pending triggers.
        migrations.RunPython(mark_as_xero, migrations.RunPython.noop),
    ]
