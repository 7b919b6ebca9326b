# Every e-mail through the delivery log: a row may go to an address instead of an account
# (a mailbox, an erased account's address) and carry what its sender handed over (encrypted).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import sofadoc.crypto


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_kind_from_registry"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="recipient",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="notifications",
                to=settings.AUTH_USER_MODEL,
                verbose_name="recipient",
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="address",
            field=models.EmailField(blank=True, max_length=254, verbose_name="address"),
        ),
        migrations.AddField(
            model_name="notification",
            name="language",
            field=models.CharField(blank=True, max_length=8, verbose_name="language"),
        ),
        migrations.AddField(
            model_name="notification",
            name="payload",
            field=sofadoc.crypto.EncryptedTextField(blank=True, verbose_name="payload"),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.UniqueConstraint(
                condition=models.Q(("recipient__isnull", True)),
                fields=("kind", "channel", "key"),
                name="notification_once_per_address",
            ),
        ),
        migrations.AddConstraint(
            model_name="notification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("recipient__isnull", False),
                    models.Q(("address", ""), _negated=True),
                    ("status__in", ["sent", "skipped", "failed"]),
                    _connector="OR",
                ),
                name="notification_has_recipient",
            ),
        ),
    ]
