"""Time off over booked sessions: before saving, the coach is shown which sessions the days
cover and what to do (move, cancel); saving anyway keeps them, and the time-off list goes on
showing them with the same links until they are moved or cancelled. Bookings answers through
practices' booked-sessions registry (practices imports no bookings)."""

import pytest
from django.urls import reverse

from coaching.bookings.models import Role
from coaching.bookings.services import booking_cancel
from coaching.practices.booked import sessions_on_days
from tests.bookings.fixtures import NOW

pytestmark = pytest.mark.django_db

TUESDAY_OFF = {"first_day": "2026-06-02", "last_day": "2026-06-03", "note": "Urlaub"}


def test_time_off_over_a_booked_session_warns_first_and_lists_it_after_saving(
    client, booking, practice, paypal, frozen
):
    practice.owner.language = "en"
    practice.owner.save(update_fields=["language"])
    client.force_login(practice.owner)
    url = reverse("practices:time_off")

    asked = client.post(url, TUESDAY_OFF)
    assert asked.status_code == 409
    assert not practice.time_off.exists()  # nothing saved before the coach decides
    warning = asked.content.decode()
    assert "These days cover 1 booked session" in warning
    assert "Coaching" in warning and "Jonas Client" in warning
    for link in (
        reverse("clients:move", args=[booking.reference]),
        reverse("bookings:cancel", args=[booking.reference]),
    ):
        assert link in warning

    saved = client.post(url, {**TUESDAY_OFF, "sessions": "keep"}, follow=True)
    assert practice.time_off.get().note == "Urlaub"
    page = saved.content.decode()
    assert "1 booked session falls on these days" in page  # the message after saving
    assert "1 booked session on these days" in page  # and under the time off itself
    assert reverse("clients:move", args=[booking.reference]) in page
    booking.refresh_from_db()
    assert booking.state == "confirmed"  # saving time off never cancels anything

    # Once the session is cancelled, the time off covers nothing any more.
    booking_cancel(booking=booking, actor=practice.owner, role=Role.COACH, reason="Urlaub")
    assert reverse("clients:move", args=[booking.reference]) not in client.get(url).content.decode()


def test_time_off_over_no_session_is_saved_at_once(client, booking, practice, frozen):
    client.force_login(practice.owner)
    response = client.post(
        reverse("practices:time_off"), {"first_day": "2026-06-04", "last_day": "2026-06-05"}
    )
    assert response.status_code == 302
    assert practice.time_off.count() == 1


def test_sessions_on_days_counts_the_practices_own_days_and_only_what_is_ahead(
    booking, practice, frozen
):
    from datetime import date

    # Tuesday 10:00 in Berlin is Tuesday in the practice's zone, whatever UTC says.
    on = sessions_on_days(
        practice=practice, first_day=date(2026, 6, 2), last_day=date(2026, 6, 2), now=NOW
    )
    assert [s.reference for s in on] == [booking.reference]
    assert not sessions_on_days(
        practice=practice, first_day=date(2026, 6, 1), last_day=date(2026, 6, 1), now=NOW
    )
    # A day that is over has nothing left to move.
    assert not sessions_on_days(
        practice=practice,
        first_day=date(2026, 6, 2),
        last_day=date(2026, 6, 2),
        now=booking.end,
    )
