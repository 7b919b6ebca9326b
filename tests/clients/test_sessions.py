"""The coach books a session for an existing client (paid by the client through PayPal, the
same seam as a booking from the practice page) and moves one (client told, calendar updated)."""

import datetime
import json

import pytest
from django.urls import reverse

from coaching.bookings.models import Booking, BookingEvent, BookingState
from coaching.notifications.models import Notification
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db

WEDNESDAY_10 = "2026-06-03T08:00:00Z"


def test_the_coach_books_and_the_client_pays_with_paypal(
    client, relationship, coach, client_user, paypal, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    url = reverse("clients:book", args=[relationship.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"start": WEDNESDAY_10})
    assert response.status_code == 302
    booking = Booking.objects.get(start=datetime.datetime(2026, 6, 3, 8, tzinfo=datetime.UTC))
    assert booking.client == client_user and booking.state == BookingState.HELD
    assert booking.hold_expires_at == booking.created_at + datetime.timedelta(hours=48)
    assert BookingEvent.objects.filter(booking=booking, actor_role="coach").exists()
    told = Notification.objects.filter(recipient=client_user, kind="clients_session_offered")
    assert told.count() == 2 and told.first().booking == booking
    # The client pays through the bookings and payments seam.
    client.force_login(client_user)
    pay = reverse("clients:pay", args=[booking.reference])
    assert client.get(pay).status_code == 200
    response = client.post(pay)
    assert response.status_code == 302 and "paypal" in response.url
    # PayPal sends the client back to the booking's own return and cancel pages.
    (order,) = paypal.created_orders()
    context = json.loads(order.body)["payment_source"]["paypal"]["experience_context"]
    assert context["return_url"].endswith(
        reverse("bookings:paypal_return", args=[booking.reference])
    )
    assert context["cancel_url"].endswith(
        reverse("bookings:paypal_cancel", args=[booking.reference])
    )
    assert context["locale"] in ("de-DE", "en-DE")
    order_id = booking.payments.get().order_id
    paypal.approve(order_id)
    with django_capture_on_commit_callbacks(execute=True):
        back = client.get(
            reverse("bookings:paypal_return", args=[booking.reference]) + f"?token={order_id}"
        )
    assert back.status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED
    # Paid: the link is no longer an offer.
    assert client.get(pay).status_code == 404


def test_a_taken_or_bad_time_is_refused_and_nothing_is_booked(client, relationship, coach):
    client.force_login(coach)
    url = reverse("clients:book", args=[relationship.pk])
    before = Booking.objects.count()
    taken = TUESDAY_10.strftime("%Y-%m-%dT%H:%M:%SZ")  # the existing booking's slot
    assert client.post(url, {"start": taken}).status_code == 409
    assert client.post(url, {"start": "<script>"}).status_code == 400
    assert Booking.objects.count() == before


def test_others_cannot_pay_an_offer_or_book_for_a_client_not_theirs(
    client, relationship, coach, client_user, other_coach, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    client.post(reverse("clients:book", args=[relationship.pk]), {"start": WEDNESDAY_10})
    booking = Booking.objects.get(state=BookingState.HELD)
    client.force_login(other_coach)
    assert client.get(reverse("clients:pay", args=[booking.reference])).status_code == 404
    response = client.post(reverse("clients:book", args=[relationship.pk]), {"start": WEDNESDAY_10})
    assert response.status_code == 404


def test_the_coach_moves_a_session_and_the_client_is_told(
    client, relationship, coach, client_user, booking, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    url = reverse("clients:move", args=[booking.reference])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"start": WEDNESDAY_10})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == datetime.datetime(2026, 6, 3, 8, tzinfo=datetime.UTC)
    assert booking.sequence == 1  # the calendar file's new revision
    assert BookingEvent.objects.filter(booking=booking, actor_role="coach").exists()
    assert Notification.objects.filter(recipient=client_user, kind="booking_moved").exists()
    # The client cannot use the coach's page; another coach gets a 404.
    client.force_login(client_user)
    assert client.get(url).status_code == 404
