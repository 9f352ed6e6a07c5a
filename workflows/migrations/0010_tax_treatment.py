"""Whether amounts include tax, in our own words rather than Xero's `LineAmountTypes`."""

from django.db import migrations, models

OURS = {"Exclusive": "exclusive", "Inclusive": "inclusive", "NoTax": "no_tax"}


def translate(apps, schema_editor, mapping):
    requests = apps.get_model("workflows", "ApprovalRequest").objects
    for before, after in mapping.items():
        requests.filter(tax_treatment=before).update(tax_treatment=after)


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0009_request_external_system"),
    ]

    operations = [
        migrations.RenameField(model_name="approvalrequest", old_name="line_amount_types", new_name="tax_treatment"),
        migrations.RunPython(lambda apps, editor: translate(apps, editor, OURS),
                             lambda apps, editor: translate(apps, editor, {v: k for k, v in OURS.items()})),
        migrations.AlterField(
            model_name="approvalrequest",
            name="tax_treatment",
            field=models.CharField(choices=[("exclusive", "Tax exclusive"), ("inclusive", "Tax inclusive"),
                                            ("no_tax", "No tax")], max_length=10),
        ),
    ]
