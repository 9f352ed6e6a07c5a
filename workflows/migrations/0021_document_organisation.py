"""Each original carries its request's organisation, so that the duplicate check finds the
organisation's copies of a file, and its pictures, by one index each instead of a join."""

import django.db.models.deletion
from django.db import migrations, models

BACKFILL = (
    "UPDATE workflows_requestdocument SET organisation_id = (SELECT request.organisation_id "
    "FROM workflows_approvalrequest AS request WHERE request.id = workflows_requestdocument.request_id)"
)


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0020_data_version"),
        ("core", "0010_data_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="requestdocument",
            name="organisation",
            field=models.ForeignKey(db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="core.organisation"),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="requestdocument",
            name="organisation",
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="+", to="core.organisation"),
        ),
        migrations.AlterField(
            model_name="requestdocument",
            name="sha256",
            field=models.CharField(max_length=64),
        ),
        migrations.AlterField(
            model_name="requestdocument",
            name="image_hash",
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddIndex(
            model_name="requestdocument",
            index=models.Index(fields=["organisation", "sha256"], name="document_same_file"),
        ),
        migrations.AddIndex(
            model_name="requestdocument",
            index=models.Index(condition=models.Q(("image_hash", ""), _negated=True), fields=["organisation", "-id"],
                               name="document_pictures"),
        ),
    ]
