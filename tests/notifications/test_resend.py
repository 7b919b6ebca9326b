"""Staff's "Send again" (the delivery log's admin action): the copy says what the first said,
for every kind that finds the object it talks about from the row's key; and a resend never
weakens the once-only rule for the rows the site queues itself."""

import importlib
import re
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from coaching.calendars.models import CalendarConnection, ConnectionState
from coaching.calendars.notifications import on_connection_broken
from coaching.clients.services import message_send, relationship_ensure, task_give
from coaching.notifications.models import Channel, Kind, Notification
from coaching.notifications.queueing import booking_notify, notify
from coaching.notifications.receivers import data_export_ready_notify
from privacy.data_requests import data_requests_alert
from privacy.links import export_download_path
from privacy.models import DataExport, DataRequest, SupportRequest
from privacy.services import support_request_deliver
from tests.notifications.resending import assert_sent_again_alike

pytestmark = pytest.mark.django_db


def _export(practice, client_user, settings) -> str:
    now = timezone.now()
    export = DataExport.objects.create(
        user=client_user,
        state=DataExport.State.READY,
        language="en",
        file_name="exports/x.zip",
        ready_at=now,
        expires_at=now + timedelta(days=7),
    )
    data_export_ready_notify(export=export)
    return export_download_path(export)


def _message(practice, client_user, settings) -> str:
    relationship = relationship_ensure(practice=practice, client=client_user)
    message_send(relationship=relationship, sender=practice.owner, text="Hallo")
    return reverse("clients:thread", args=[relationship.pk])


def _task(practice, client_user, settings) -> str:
    relationship = relationship_ensure(practice=practice, client=client_user)
    task_give(relationship=relationship, actor=practice.owner, title="Tagebuch")
    return reverse("clients:thread", args=[relationship.pk])


def _support(practice, client_user, settings) -> str:
    item = SupportRequest.objects.create(
        name="Ida", email="ida@example.org", subject="Kamera", message="Geht nicht"
    )
    support_request_deliver(item=item)
    return f"SR-{item.pk}"


def _data_request(practice, client_user, settings) -> str:
    settings.PRIVACY_REQUESTS_EMAIL = "dsb@sofadoc.example"
    item = DataRequest.objects.create(
        kind=DataRequest.Kind.ACCESS,
        channel="letter",
        requester_name="Eva",
        received_on=date(2020, 1, 1),  # long overdue
    )
    data_requests_alert()
    return reverse("admin:privacy_datarequest_change", args=[item.pk])


def _calendar(practice, client_user, settings) -> str:
    connection = CalendarConnection.objects.create(
        practice=practice,
        provider="caldav",
        state=ConnectionState.BROKEN,
        account_name="anna@kalender.example",
        problem="Das Passwort stimmt nicht mehr.",
        broken_at=timezone.now(),
    )
    on_connection_broken(connection=connection)
    return "anna@kalender.example"


@pytest.mark.parametrize(
    "queue",
    [_export, _message, _task, _support, _data_request, _calendar],
    ids=["export ready", "client message", "client task", "support", "data request", "calendar"],
)
def test_send_again_delivers_a_copy_about_the_same_object(
    queue, practice, client_user, settings, admin_client, frozen
):
    expected = queue(practice, client_user, settings)

    def send_again(pks: list[int]) -> None:
        response = admin_client.post(
            reverse("admin:notifications_notification_changelist"),
            {"action": "resend", "_selected_action": pks},
        )
        assert response.status_code == 302

    sent = assert_sent_again_alike(send_again)
    assert all(expected in m.subject + m.body for m in sent)


def test_the_once_only_rule_still_refuses_a_duplicate_normal_row(client_user, admin_client):
    assert notify(recipients=[client_user], kind=Kind.WELCOME, key="hello") == 2
    assert notify(recipients=[client_user], kind=Kind.WELCOME, key="hello") == 0
    row = Notification.objects.get(channel=Channel.EMAIL)
    admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "resend", "_selected_action": [row.pk]},
    )
    admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "resend", "_selected_action": [row.pk]},
    )
    assert Notification.objects.filter(channel=Channel.EMAIL).count() == 3
    copy = Notification.objects.filter(resend_of=row.pk).first()
    assert copy is not None and copy.key == "hello"
    page = admin_client.get(reverse("admin:notifications_notification_change", args=[copy.pk]))
    # The admin shows which row it repeats.
    shown = rf"Wiederholung von:</label>\s*<div class=\"readonly\">{row.pk}<"
    assert re.search(shown, page.content.decode())
    # Resends stand outside the rule, and do not make room for another normal row either.
    assert notify(recipients=[client_user], kind=Kind.WELCOME, key="hello") == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=client_user, kind=Kind.WELCOME, channel=Channel.EMAIL, key="hello"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            kind="erasure_done", channel="email", key="e:1", address="a@b.de"
        )
        Notification.objects.create(
            kind="erasure_done", channel="email", key="e:1", address="a@b.de"
        )


def test_a_booking_message_sent_again_leaves_the_booking_rule_as_it_was(booking, admin_client):
    assert booking_notify(booking=booking, kind=Kind.BOOKING_REFUNDED) == 4
    row = Notification.objects.get(recipient=booking.client, channel=Channel.EMAIL)
    admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "resend", "_selected_action": [row.pk]},
    )
    copy = Notification.objects.get(resend_of=row.pk)
    assert (copy.booking, copy.booking_sequence, copy.key) == (booking, row.booking_sequence, "")
    assert booking_notify(booking=booking, kind=Kind.BOOKING_REFUNDED) == 0
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=booking.client,
            kind=Kind.BOOKING_REFUNDED,
            channel=Channel.EMAIL,
            booking=booking,
            booking_sequence=booking.sequence,
        )


def test_resends_made_before_get_their_first_rows_key_back(client_user):
    migration = importlib.import_module(
        "coaching.notifications.migrations.0009_resend_keeps_the_key"
    )
    first = Notification.objects.create(
        recipient=client_user, kind=Kind.DATA_EXPORT_READY, channel=Channel.EMAIL, key="export:7"
    )
    old = Notification.objects.create(
        recipient=client_user,
        kind=Kind.DATA_EXPORT_READY,
        channel=Channel.EMAIL,
        key=f"resend-{first.pk}-20260101120000000000"[:32],
        reason=f"resend of #{first.pk} by 1",
    )
    orphan = Notification.objects.create(
        recipient=client_user,
        kind=Kind.DATA_EXPORT_READY,
        channel=Channel.EMAIL,
        key="resend-999999-20260101120000000",
        reason="resend of #999999 by 1",
    )
    migration.resends_get_their_key_back(apps, None)
    old.refresh_from_db()
    orphan.refresh_from_db()
    assert (old.key, old.resend_of) == ("export:7", first.pk)
    assert (orphan.key, orphan.resend_of) == ("resend-999999-20260101120000000", 999999)
    first.refresh_from_db()
    assert (first.key, first.resend_of) == ("export:7", None)
