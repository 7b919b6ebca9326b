# A staff resend keeps the key of the row it repeats (the kinds read their object from it) and
# is marked as a resend instead, which takes it out of the once-only constraints. Resends made
# before got a key of their own, "resend-<pk>-<time>": they get their first row's key back.

from django.conf import settings
from django.db import migrations, models


RESEND_PREFIX = "resend-"


def resends_get_their_key_back(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    resends = Notification.objects.filter(key__startswith=RESEND_PREFIX, reason__startswith="resend of #")
    for row in resends.only("pk", "key"):
        first_pk = row.key.removeprefix(RESEND_PREFIX).split("-", 1)[0]
        if not first_pk.isdigit():
            continue
        first = Notification.objects.filter(pk=first_pk).values_list("key", flat=True).first()
        Notification.objects.filter(pk=row.pk).update(
            resend_of=int(first_pk),
            # The first row is gone (erased with its person): no object to name any more.
            key=row.key if first is None else first,
        )


def resends_get_a_key_of_their_own(apps, schema_editor):
    # Back to the old constraints, where only a key of its own kept a resend outside them.
    Notification = apps.get_model("notifications", "Notification")
    for pk, first_pk in Notification.objects.filter(resend_of__isnull=False).values_list("pk", "resend_of"):
        Notification.objects.filter(pk=pk).update(key=f"{RESEND_PREFIX}{first_pk}-{pk}"[:32])


class Migration(migrations.Migration):

    dependencies = [
        ('bookings', '0004_billing_remove_receipt'),
        ('notifications', '0008_mail_to_address_and_payload'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_once_per_booking',
        ),
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_once_per_key',
        ),
        migrations.RemoveConstraint(
            model_name='notification',
            name='notification_once_per_address',
        ),
        migrations.AddField(
            model_name='notification',
            name='resend_of',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='resend of'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('booking__isnull', False), ('key', ''), ('resend_of__isnull', True)), fields=('booking', 'booking_sequence', 'kind', 'channel', 'recipient'), name='notification_once_per_booking'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('booking__isnull', True), ('resend_of__isnull', True)), fields=('recipient', 'kind', 'channel', 'key'), name='notification_once_per_key'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(condition=models.Q(('recipient__isnull', True), ('resend_of__isnull', True)), fields=('kind', 'channel', 'key'), name='notification_once_per_address'),
        ),
        migrations.RunPython(resends_get_their_key_back, resends_get_a_key_of_their_own),
    ]
