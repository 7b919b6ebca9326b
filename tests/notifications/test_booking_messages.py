"""Booking messages: queued after commit by the bookings signals, delivered by the real task."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from coaching.bookings.models import BookingState, Role
from coaching.bookings.services import (
    booking_cancel,
    booking_capture,
    booking_hold,
    booking_start_payment,
)
from coaching.notifications.models import Channel, Kind, Notification, Status
from coaching.notifications.tasks import deliver
from tests.notifications.conftest import TUESDAY_10

pytestmark = pytest.mark.django_db


def deliver_all():
    pending = Notification.objects.filter(status=Status.QUEUED).values_list("pk", flat=True)
    return [deliver.apply(args=[pk]).get() for pk in pending]


@pytest.fixture
def confirmed(
    practice, session_type, client_user, paypal, frozen, django_capture_on_commit_callbacks
):
    held = booking_hold(
        client=client_user, practice=practice, session_type_id=session_type.pk, start=TUESDAY_10
    )
    booking_start_payment(
        booking=held, return_url="https://x/r", cancel_url="https://x/c", locale="de-DE"
    )
    order_id = held.payments.get().order_id
    paypal.approve(order_id)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        booking = booking_capture(booking=held, order_id=order_id, actor=client_user)
    assert callbacks, "the confirmation is queued only once the capture commits"
    return booking


def test_confirmation_is_queued_on_commit_for_client_and_coach(confirmed, client_user, practice):
    rows = Notification.objects.filter(booking=confirmed, kind=Kind.BOOKING_CONFIRMED)
    assert {(r.recipient_id, r.channel) for r in rows} == {
        (client_user.pk, Channel.INBOX),
        (client_user.pk, Channel.EMAIL),
        (practice.owner_id, Channel.INBOX),
        (practice.owner_id, Channel.EMAIL),
    }
    assert set(rows.values_list("status", flat=True)) == {Status.QUEUED}


def test_confirmation_mail_is_localised_and_carries_the_calendar_file(
    confirmed, client_user, practice
):
    assert set(deliver_all()) == {Status.SENT}

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert len(mail.outbox) == 2
    to_client = by_recipient[client_user.email]
    to_coach = by_recipient[practice.owner.email]
    # Who and when, in each recipient's language and zone (Berlin): the client reads the
    # coach's name, the coach the client's.
    # client_user speaks English
    assert to_client.subject == "Booked: your session with Anna Coach on 06/02/2026 10 a.m."
    assert to_coach.subject == "Neue Buchung: Jonas Client am 02.06.2026 10:00"
    # Times in the recipient's zone (Berlin), naming it.
    assert "10:00" in to_coach.body or "10 a.m." in to_client.body
    assert "Europe/Berlin" in to_client.body
    # No coaching details in the subject line.
    assert "Coaching" not in to_client.subject
    [(name, ics, mimetype)] = to_client.attachments
    assert name == f"sofadoc-{confirmed.reference}.ics" and "method=PUBLISH" in mimetype
    event = Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["uid"]) == f"{confirmed.reference}@sofadoc"
    html = to_client.alternatives[0][0]
    assert confirmed.reference in html and "<img" not in html  # no open tracking without consent
    # The booking's link is a button, not a raw address.
    url = f"http://127.0.0.1:8000{reverse('bookings:detail', args=[confirmed.reference])}"
    assert f'<a href="{url}" style="' in html and ">Open your booking</a>" in html


def test_the_inbox_says_who_and_when_and_shows_the_link_as_a_button(confirmed, client_user, client):
    deliver_all()
    inbox = Notification.objects.get(
        recipient=client_user, channel=Channel.INBOX, kind=Kind.BOOKING_CONFIRMED
    )
    assert inbox.subject == "Booked: your session with Anna Coach on 06/02/2026 10 a.m."
    client.force_login(client_user)
    listing = client.get(reverse("notifications:list")).content.decode()
    assert "Booked: your session with Anna Coach on 06/02/2026 10 a.m." in listing
    page = client.get(reverse("notifications:detail", args=[inbox.pk])).content.decode()
    url = f"http://127.0.0.1:8000{reverse('bookings:detail', args=[confirmed.reference])}"
    assert f'<a class="button" href="{url}">Open your booking</a>' in page


def test_inbox_copy_keeps_the_text(confirmed, client_user):
    deliver_all()
    inbox = Notification.objects.get(
        recipient=client_user, channel=Channel.INBOX, kind=Kind.BOOKING_CONFIRMED
    )
    assert inbox.status == Status.SENT and inbox.sent_at is not None
    assert "is confirmed and paid" in inbox.body


def test_a_task_run_twice_sends_once(confirmed):
    row = Notification.objects.filter(channel=Channel.EMAIL).first()
    assert deliver.apply(args=[row.pk]).get() == Status.SENT
    assert deliver.apply(args=[row.pk]).get() is None
    assert len(mail.outbox) == 1


def test_cancellation_sends_a_cancel_calendar_entry(
    confirmed, client_user, paypal, frozen, django_capture_on_commit_callbacks
):
    deliver_all()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, actor=client_user, role=Role.CLIENT)
    deliver_all()

    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {Kind.BOOKING_CANCELLED, Kind.BOOKING_REFUNDED} <= kinds
    cancelled = next(
        m
        for m in mail.outbox
        if m.subject == "Cancelled: session with Anna Coach on 06/02/2026 10 a.m."
    )
    assert "method=CANCEL" in cancelled.attachments[0][2]


def test_failed_mail_is_marked_and_retried_by_the_next_scan(confirmed, settings, frozen):
    from coaching.notifications.tasks import send_due_reminders

    settings.EMAIL_BACKEND = "tests.notifications.broken_mail.EmailBackend"
    deliver_all()
    failed = Notification.objects.filter(channel=Channel.EMAIL)
    assert set(failed.values_list("status", "attempts")) == {(Status.FAILED, 1)}
    assert "SMTP" in failed.first().reason

    # The scan in the same minute leaves them (no retry storm against a mail server that is
    # down); the next one sends them.
    send_due_reminders.apply()
    assert set(failed.values_list("status", "attempts")) == {(Status.FAILED, 1)}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    frozen.shift(timedelta(minutes=1))
    send_due_reminders.apply()
    assert set(failed.values_list("status", "attempts")) == {(Status.SENT, 2)}
    assert len(mail.outbox) == 2


def test_moved_booking_notice_goes_to_both(confirmed, frozen, django_capture_on_commit_callbacks):
    from coaching.bookings.services import booking_move

    deliver_all()
    with django_capture_on_commit_callbacks(execute=True):
        booking_move(
            booking=confirmed,
            new_start=TUESDAY_10 + timedelta(hours=2),
            actor=confirmed.client,
        )
    deliver_all()
    moved = Notification.objects.filter(kind=Kind.BOOKING_MOVED, channel=Channel.EMAIL)
    assert moved.count() == 2 and set(moved.values_list("status", flat=True)) == {Status.SENT}
    assert confirmed.state == BookingState.CONFIRMED


def test_delivery_is_enqueued_on_the_real_broker_after_commit(
    client_user, django_capture_on_commit_callbacks
):
    import redis
    from django.conf import settings

    from coaching.notifications.queueing import notification_queue

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    before = broker.llen("celery")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notification_queue(recipient=client_user, kind=Kind.WELCOME)
        assert broker.llen("celery") == before  # nothing before the commit
    for callback in callbacks:
        callback()
    assert broker.llen("celery") == before + len(rows) == before + 2


def test_the_inbox_copy_has_no_mail_footer_or_attachment_note(confirmed, client_user):
    deliver_all()
    inbox = Notification.objects.get(
        recipient=client_user, channel=Channel.INBOX, kind=Kind.BOOKING_CONFIRMED
    )
    email = next(m for m in mail.outbox if m.to == [client_user.email])
    assert "attached calendar file" in email.body and "notification settings" in email.body
    assert "attached calendar file" not in inbox.body
    assert "notification settings" not in inbox.body


def test_a_booking_life_confirmation_reminder_cancellation(
    confirmed, practice, paypal, frozen, django_capture_on_commit_callbacks
):
    from coaching.notifications.tasks import send_due_reminders

    send_due_reminders.apply()  # confirmation (booked Monday 10:00 for Tuesday 10:00)
    assert {m.subject for m in mail.outbox} == {
        "Booked: your session with Anna Coach on 06/02/2026 10 a.m.",
        "Neue Buchung: Jonas Client am 02.06.2026 10:00",
    }

    frozen.shift(timedelta(hours=2))  # Monday 12:00: the session is 22 hours away
    send_due_reminders.apply()
    assert Notification.objects.filter(kind=Kind.REMINDER_24H, status=Status.SENT).count() == 4

    frozen.shift(timedelta(hours=18))  # Tuesday 06:00: the coach cancels
    with django_capture_on_commit_callbacks(execute=True):
        booking_cancel(booking=confirmed, actor=practice.owner, role=Role.COACH, reason="Krank")
    frozen.shift(timedelta(hours=1, minutes=30))  # Tuesday 09:30: no 1 h reminder
    send_due_reminders.apply()

    assert not Notification.objects.filter(kind=Kind.REMINDER_1H)
    kinds = Counter(
        Notification.objects.filter(channel=Channel.EMAIL, status=Status.SENT).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {
        Kind.BOOKING_CONFIRMED: 2,
        Kind.REMINDER_24H: 2,
        Kind.BOOKING_CANCELLED: 2,
        Kind.BOOKING_REFUNDED: 1,
    }


def test_payment_problems_reach_staff_only(confirmed, client_user):
    from coaching.bookings.signals import payment_problem
    from tests.factories import StaffFactory

    staff = StaffFactory(language="en")
    deliver_all()
    mail.outbox.clear()
    payment_problem.send(sender="bookings", booking=confirmed, problem="payment reversed")
    payment_problem.send(sender="bookings", booking=confirmed, problem="refund failed")
    deliver_all()

    assert [m.to for m in mail.outbox] == [[staff.email], [staff.email]]
    assert mail.outbox[0].subject == "A payment needs attention"
    assert f"/admin/bookings/booking/{confirmed.pk}/change/" in mail.outbox[0].body
    assert not Notification.objects.filter(recipient=client_user, kind=Kind.PAYMENT_PROBLEM)
