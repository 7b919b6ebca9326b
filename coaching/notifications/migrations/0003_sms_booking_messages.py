from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_payment_problem_kind")]

    operations = [
        # One SMS choice for every booking message, not only changes and cancellations.
        migrations.RenameField("preferences", "sms_changes", "sms_booking_messages"),
        migrations.AlterField(
            model_name="preferences",
            name="sms_booking_messages",
            field=models.BooleanField(default=False, verbose_name="booking messages by SMS"),
        ),
    ]
