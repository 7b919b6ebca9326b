"""The calendar settings page and the week view with hour blocks."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from coaching.calendars.models import CalendarConnection, HourBlock, RemoteCalendar
from tests.bookings.fixtures import TUESDAY_10
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_the_settings_page_lists_connections_and_shows_oauth_as_not_configured(
    client, calendar_practice
):
    connection = CalendarConnection.objects.create(
        practice=calendar_practice, provider="caldav", account_name="anna @ dav", password="pw"
    )
    RemoteCalendar.objects.create(connection=connection, remote_id="u", name="Arbeit")
    client.force_login(calendar_practice.owner)
    url = reverse("calendars:settings")
    client.get(url)
    # session, user, practice, calendar notice, connections, their calendars, messages' none.
    with pinned_queries(at_most=7):
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Arbeit" in page and "anna @ dav" in page
    assert "pw" not in page.split("Arbeit")[0][-200:]  # the password is never shown
    assert "Noch nicht verfügbar" in page or "Not available yet" in page


def test_the_calendar_blocks_a_free_hour_and_the_slot_goes(client, calendar_practice, frozen):
    from coaching.practices.selectors import session_type_free_slots

    client.force_login(calendar_practice.owner)
    calendar = reverse("bookings:coach") + "?week=2026-06-02"
    page = client.get(calendar).content.decode()
    # Tuesday 10:00 is a free working hour: it links to the block form, filled in with it.
    form_url = reverse("calendars:block_add") + "?day=2026-06-02&amp;start_time=10%3A00"
    assert form_url in page
    form = client.get(form_url.replace("&amp;", "&") + "&end_time=11%3A00")
    assert form.status_code == 200
    assert form.context["form"].initial == {
        "day": "2026-06-02",
        "start_time": "10:00",
        "end_time": "11:00",
    }
    response = client.post(
        reverse("calendars:block_add"),
        {"day": "2026-06-02", "start_time": "10:00", "end_time": "11:00"},
    )
    assert response.status_code == 302
    assert response.url == calendar
    block = HourBlock.objects.get()
    assert (block.start, block.end) == (TUESDAY_10, TUESDAY_10 + timedelta(hours=1))
    slots = session_type_free_slots(
        session_type=calendar_practice.session_types.get(),
        start=TUESDAY_10 - timedelta(hours=2),
        end=TUESDAY_10 + timedelta(hours=3),
    )
    assert TUESDAY_10 not in slots and TUESDAY_10 + timedelta(hours=1) in slots
    page = client.get(calendar).content.decode()
    assert "is-block" in page and reverse("calendars:block_remove", args=[block.pk]) in page

    client.post(reverse("calendars:block_remove", args=[block.pk]))
    assert not HourBlock.objects.exists()


def test_a_block_over_a_booking_asks_first_then_keeps_or_cancels_with_refund(
    client, booking, paypal
):
    practice = booking.practice
    client.force_login(practice.owner)
    form = {"day": "2026-06-02", "start_time": "09:00", "end_time": "12:00"}
    asked = client.post(reverse("calendars:block_add"), form)
    assert asked.status_code == 409
    assert "Coaching" in asked.content.decode()
    assert not HourBlock.objects.exists()

    kept = client.post(reverse("calendars:block_add"), {**form, "bookings": "keep"})
    assert kept.status_code == 302
    booking.refresh_from_db()
    assert booking.state == "confirmed"

    HourBlock.objects.all().delete()
    cancelled = client.post(reverse("calendars:block_add"), {**form, "bookings": "cancel"})
    assert cancelled.status_code == 302
    booking.refresh_from_db()
    assert booking.state == "cancelled"
    assert booking.refunds.get().amount == booking.price  # a full refund


def test_bad_input_is_a_400_not_a_500(client, calendar_practice):
    client.force_login(calendar_practice.owner)
    assert client.post(reverse("calendars:block_add"), {"day": "x"}).status_code == 400
    assert (
        client.post(
            reverse("calendars:block_add"),
            {"day": "2026-06-02", "start_time": "12:00", "end_time": "11:00"},
        ).status_code
        == 400
    )
    assert client.post(reverse("calendars:caldav_connect"), {}).status_code == 400
    assert client.get(reverse("calendars:block_add") + "?day=99999-1-1").status_code == 200
    # The former week view's address opens the calendar on the same week.
    old = client.get(reverse("calendars:week") + "?week=99999-1-1")
    assert old.status_code == 302 and old.url == reverse("bookings:coach")
    old = client.get(reverse("calendars:week") + "?week=2026-06-02")
    assert old.url == reverse("bookings:coach") + "?week=2026-06-02"
    assert client.get(reverse("calendars:oauth_start", args=["yahoo"])).status_code == 404
    # OAuth not configured: back to the page with a message, no redirect to the provider.
    response = client.get(reverse("calendars:oauth_start", args=["google"]))
    assert response.status_code == 302 and response.url == reverse("calendars:settings")


def test_an_oauth_callback_with_a_forged_state_connects_nothing(
    client, calendar_practice, settings
):
    settings.GOOGLE_CALENDAR_CLIENT_ID = "id"
    settings.GOOGLE_CALENDAR_CLIENT_SECRET = "secret"
    client.force_login(calendar_practice.owner)
    start = client.get(reverse("calendars:oauth_start", args=["google"]))
    assert start.url.startswith("https://accounts.google.com/o/oauth2/v2/auth?")
    assert "access_type=offline" in start.url
    response = client.get(
        reverse("calendars:oauth_callback", args=["google"]) + "?state=forged&code=abc"
    )
    assert response.status_code == 302
    assert not CalendarConnection.objects.exists()


def test_deleting_the_connection_deletes_its_busy_times(calendar_practice, client):
    from coaching.calendars.models import BusyInterval

    connection = CalendarConnection.objects.create(
        practice=calendar_practice, provider="caldav", account_name="a"
    )
    calendar = RemoteCalendar.objects.create(connection=connection, remote_id="u", name="A")
    start = datetime(2026, 6, 2, 8, tzinfo=UTC)
    BusyInterval.objects.create(
        calendar=calendar,
        practice=calendar_practice,
        source="s",
        start=start,
        end=start + timedelta(hours=1),
    )
    client.force_login(calendar_practice.owner)
    client.post(reverse("calendars:delete", args=[connection.pk]))
    assert not CalendarConnection.objects.exists()
    assert not BusyInterval.objects.exists()
