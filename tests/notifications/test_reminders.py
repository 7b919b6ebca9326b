"""The minute scan: reminders at T-24h and T-1h, payment notices, weekly calendar nudges."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from coaching.bookings.models import BookingState, Role
from coaching.bookings.states import transition
from coaching.notifications.models import Channel, Kind, Notification, ReminderTiming, Status
from coaching.notifications.preferences import preferences_update
from coaching.notifications.tasks import calendar_nudges, send_due_reminders
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 6, 10, 8, tzinfo=UTC)  # Wednesday 10:00 in Berlin


def sent(kind, channel=Channel.EMAIL):
    return list(
        Notification.objects.filter(kind=kind, channel=channel, status=Status.SENT).values_list(
            "recipient_id", flat=True
        )
    )


@pytest.fixture
def booking(session_type, client_user):
    with time_machine.travel(START - timedelta(days=5), tick=False):
        return BookingFactory(session_type=session_type, client=client_user, start=START)


def test_a_booking_life_gets_each_reminder_once_at_the_right_time(booking, client_user, practice):
    participants = sorted([client_user.pk, practice.owner_id])
    with time_machine.travel(START - timedelta(hours=24, minutes=1), tick=False):
        send_due_reminders.apply()
        assert sent(Kind.REMINDER_24H) == []
    with time_machine.travel(START - timedelta(hours=23, minutes=59), tick=False):
        send_due_reminders.apply()
        send_due_reminders.apply()  # the next minute's scan adds nothing
        assert sorted(sent(Kind.REMINDER_24H)) == participants
        assert len(sent(Kind.REMINDER_24H, Channel.INBOX)) == 2
        assert sent(Kind.REMINDER_1H) == []
    with time_machine.travel(START - timedelta(minutes=59), tick=False):
        send_due_reminders.apply()
        assert sorted(sent(Kind.REMINDER_1H)) == participants
    assert len(mail.outbox) == 4
    reminder = next(m for m in mail.outbox if m.to == [client_user.email])
    # When, in the client's zone (10:00 in Berlin), not "tomorrow", which a move can falsify.
    assert reminder.subject == "Reminder: session with Anna Coach on 06/10/2026 10 a.m."
    assert f"/bookings/{booking.reference}/join/" in reminder.body  # the join link
    html = reminder.alternatives[0][0]
    assert f'href="http://testserver/bookings/{booking.reference}/join/"' in html.replace(
        settings.SITE_URL, "http://testserver"
    )
    assert ">Join the video session</a>" in html  # a button, not a raw address


def test_a_confirmation_still_queued_when_the_session_is_cancelled_is_not_sent(booking):
    from coaching.notifications.queueing import booking_notify

    with time_machine.travel(START - timedelta(days=4), tick=False):
        booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED)  # the worker is slow
        transition(booking, BookingState.CANCELLED, role=Role.CLIENT)
        send_due_reminders.apply()
    rows = Notification.objects.filter(kind=Kind.BOOKING_CONFIRMED)
    assert rows.count() == 4
    assert set(rows.values_list("status", flat=True)) == {Status.SKIPPED}
    assert mail.outbox == []


def test_a_cancelled_session_gets_no_reminder(booking):
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        transition(booking, BookingState.CANCELLED, role=Role.CLIENT)
        assert send_due_reminders.apply().get() == 0
    with time_machine.travel(START - timedelta(minutes=30), tick=False):
        send_due_reminders.apply()
    assert not Notification.objects.filter(kind__in=[Kind.REMINDER_24H, Kind.REMINDER_1H])
    assert mail.outbox == []


def test_a_reminder_queued_before_a_cancellation_is_skipped_not_sent(booking):
    from coaching.notifications.scans import reminders_queue_due

    with time_machine.travel(START - timedelta(minutes=50), tick=False):
        reminders_queue_due()  # queued; the worker has not picked it up yet
        transition(booking, BookingState.CANCELLED, role=Role.COACH)
        send_due_reminders.apply()
    rows = Notification.objects.filter(kind=Kind.REMINDER_1H)
    assert rows.count() == 4
    assert set(rows.values_list("status", "reason")) == {(Status.SKIPPED, "booking cancelled")}
    assert mail.outbox == []


def test_a_moved_session_gets_fresh_reminders_and_no_stale_one(booking):
    from coaching.notifications.scans import reminders_queue_due

    with time_machine.travel(START - timedelta(minutes=50), tick=False):
        reminders_queue_due()
        # Moved to the next day before the worker ran: the queued reminder lapses.
        booking.start, booking.end = START + timedelta(days=1), booking.end + timedelta(days=1)
        booking.blocked_start, booking.blocked_end = booking.start, booking.end
        booking.sequence += 1
        booking.save()
        send_due_reminders.apply()
        assert set(
            Notification.objects.filter(kind=Kind.REMINDER_1H).values_list("reason", flat=True)
        ) == {"session moved"}
    with time_machine.travel(START + timedelta(days=1) - timedelta(minutes=30), tick=False):
        send_due_reminders.apply()
    fresh = Notification.objects.filter(kind=Kind.REMINDER_1H, booking_sequence=1)
    assert set(fresh.values_list("status", flat=True)) == {Status.SENT}
    assert len(mail.outbox) == 2


def test_reminder_timing_is_respected(booking, client_user, practice):
    preferences_update(user=client_user, reminder_timing=ReminderTiming.HOUR)
    with time_machine.travel(START - timedelta(hours=20), tick=False):
        send_due_reminders.apply()
    assert sent(Kind.REMINDER_24H) == [practice.owner_id]


def test_a_session_booked_on_short_notice_gets_no_day_before_reminder(session_type, client_user):
    with time_machine.travel(START - timedelta(hours=5), tick=False):
        BookingFactory(session_type=session_type, client=client_user, start=START)
        send_due_reminders.apply()
    assert not Notification.objects.filter(kind=Kind.REMINDER_24H)


def test_payment_pending_when_the_hold_is_about_to_expire(session_type, client_user):
    now = START - timedelta(days=1)
    with time_machine.travel(now, tick=False):
        BookingFactory(
            session_type=session_type,
            client=client_user,
            start=START,
            state=BookingState.HELD,
            hold_expires_at=now + timedelta(minutes=4),
        )
        send_due_reminders.apply()
        send_due_reminders.apply()
    assert sent(Kind.PAYMENT_PENDING) == [client_user.pk]
    assert [m.subject for m in mail.outbox] == [
        "Payment still open: session with Anna Coach on 06/10/2026 10 a.m."
    ]


def test_weekly_calendar_nudge_for_coaches_without_free_hours(practice):
    from coaching.practices.models import WeeklyHours
    from coaching.practices.services import practice_publish

    full = PracticeFactory(owner__language="de")
    SessionTypeFactory(practice=full)
    practice_publish(practice=full, actor=full.owner)
    WeeklyHours.objects.filter(practice=full).delete()  # the coach cleared their hours since
    with time_machine.travel(datetime(2026, 6, 1, 5, tzinfo=UTC), tick=False):
        calendar_nudges.apply()
        calendar_nudges.apply()  # same week: once
    assert sent(Kind.CALENDAR_NUDGE) == [full.owner_id]
    assert [m.subject for m in mail.outbox] == ["Ihr Kalender hat keine freien Termine"]


def test_beat_runs_the_scans_every_minute_and_the_nudge_again_if_monday_morning_was_missed():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["notifications.send_due_reminders"] == 60
    nudge = schedule["notifications.calendar_nudges"]
    assert nudge.day_of_week == {1} and {7, 8, 12} <= nudge.hour and nudge.minute == {0}


def test_the_management_command_runs_one_scan(booking, capsys):
    with time_machine.travel(START - timedelta(minutes=30), tick=False):
        call_command("send_due_reminders")
    assert "4 message(s) sent." in capsys.readouterr().out


def test_inactive_recipients_get_nothing(session_type):
    gone = UserFactory(is_active=False)
    with time_machine.travel(START - timedelta(days=5), tick=False):
        BookingFactory(session_type=session_type, client=gone, start=START)
    with time_machine.travel(START - timedelta(minutes=30), tick=False):
        send_due_reminders.apply()
    assert not Notification.objects.filter(recipient=gone)


def test_a_session_cancelled_while_a_slow_chunk_is_sending_gets_no_stale_reminder(
    session_type, client_user, settings, monkeypatch
):
    """The worker read both sessions when it claimed their reminders; the mail server is slow,
    and the second session is cancelled while the first one's reminder goes out."""
    from coaching.bookings.models import Booking
    from coaching.notifications import delivery, scans
    from tests.notifications import hooked_mail

    with time_machine.travel(START - timedelta(days=5), tick=False):
        first = BookingFactory(session_type=session_type, client=client_user, start=START)
        second = BookingFactory(
            session_type=session_type, client=UserFactory(), start=START + timedelta(hours=2)
        )
    settings.EMAIL_BACKEND = "tests.notifications.hooked_mail.EmailBackend"
    monkeypatch.setattr(delivery, "BOOKING_FRESH_SECONDS", 0)  # every send counts as slow

    def cancel_the_second(message):
        Booking.objects.filter(pk=second.pk).update(state=BookingState.CANCELLED)

    monkeypatch.setattr(hooked_mail.EmailBackend, "on_send", cancel_the_second)
    with time_machine.travel(START - timedelta(minutes=50), tick=True):
        scans.reminders_queue_due(now=START - timedelta(hours=3))  # both in their 24 h window
        send_due_reminders.apply()

    rows = Notification.objects.filter(kind=Kind.REMINDER_24H)
    assert set(rows.filter(booking=first).values_list("status", flat=True)) == {Status.SENT}
    assert set(rows.filter(booking=second).values_list("status", "reason")) == {
        (Status.SKIPPED, "booking cancelled")
    }
