"""Three VAT treatments instead of the small-business tick box: a coach who unticked it charged
19 % VAT, which is what `vat` means now; exempt healing professions are new."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    Practice.objects.filter(small_business=False).update(tax_treatment="vat")


def backwards(apps, schema_editor):
    Practice = apps.get_model("practices", "Practice")
    Practice.objects.filter(tax_treatment="vat").update(small_business=False)


class Migration(migrations.Migration):
    dependencies = [("practices", "0006_practice_survives_owner_erasure")]

    operations = [
        migrations.AddField(
            model_name="practice",
            name="tax_treatment",
            field=models.CharField(
                choices=[
                    ("small_business", "Small business (§ 19 UStG): no VAT charged"),
                    ("vat", "19 % VAT"),
                    (
                        "exempt_healing",
                        "Exempt healing profession (§ 4 Nr. 14 UStG): psychotherapist or "
                        "Heilpraktiker",
                    ),
                ],
                default="small_business",
                max_length=16,
                verbose_name="VAT treatment",
            ),
        ),
        migrations.AddField(
            model_name="practice",
            name="vat_id",
            field=models.CharField(
                blank=True,
                help_text="USt-IdNr., e.g. DE123456789. Needed if you charge VAT.",
                max_length=16,
                verbose_name="VAT ID",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
        migrations.RemoveField(model_name="practice", name="small_business"),
    ]
