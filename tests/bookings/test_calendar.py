"""Calendar files (coaching/bookings/calendar.py): one .ics per booking and the coach's
secret feed."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from coaching.bookings.models import CalendarFeed, Role
from coaching.bookings.services import (
    booking_cancel,
)
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db


def test_ics_has_one_uid_per_booking_and_follows_moves_and_cancellation(
    client, booking, client_user, frozen
):
    client.force_login(client_user)
    url = reverse("bookings:ics", args=[booking.reference])

    event = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{booking.reference}@sofadoc"
    assert event.decoded("DTSTART") == TUESDAY_10

    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    cancelled = Calendar.from_ical(client.get(url).content)
    assert str(cancelled["METHOD"]) == "CANCEL"
    assert str(cancelled.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"


def test_coach_feed_is_secret_and_regenerable(client, booking, practice, frozen):
    client.force_login(practice.owner)
    assert client.get(reverse("bookings:coach")).context["feed_url"] == ""
    assert not CalendarFeed.objects.exists()  # looking at the page writes nothing
    client.post(reverse("bookings:feed_regenerate"))  # the coach asks for an address
    token = CalendarFeed.objects.get(practice=practice).token
    assert token in client.get(reverse("bookings:coach")).context["feed_url"]

    feed = client.get(reverse("bookings:feed", args=[token]))
    assert feed.status_code == 200 and booking.reference.encode() in feed.content

    client.post(reverse("bookings:feed_regenerate"))
    assert client.get(reverse("bookings:feed", args=[token])).status_code == 404
