from django.db import migrations, models


def published_to_xero(apps, schema_editor):
    # Every request published so far went to Xero, the only system there was.
    apps.get_model("workflows", "ApprovalRequest").objects.exclude(external_id="").update(external_system="xero")


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0008_inbox_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="approvalrequest",
            name="external_system",
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.RunPython(published_to_xero, migrations.RunPython.noop),
    ]
