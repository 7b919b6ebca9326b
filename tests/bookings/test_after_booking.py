"""After the booking: cancel with the refund the rule says, move, receipts, calendar files,
and who may see what."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from coaching.bookings.models import Actor, Booking, BookingState, CalendarFeed
from coaching.bookings.services import (
    BookingError,
    booking_cancel,
    booking_hold,
)
from coaching.payments.models import PaymentStatus
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import StaffFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_client_cancels_inside_the_free_window_and_is_refunded_in_full(
    booking, client_user, paypal, frozen
):
    # Deadline is Monday 10:00 (24 h before); it is exactly then: still free.
    refund = booking_cancel(booking=booking, actor=client_user, role=Actor.CLIENT)

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == Actor.CLIENT
    assert refund.amount == booking.price and refund.status == "completed"
    assert booking.payments.get().status == PaymentStatus.REFUNDED
    [sent] = paypal.requests_to("/refund")
    assert json.loads(sent.body)["amount"] == {"currency_code": "EUR", "value": "80.00"}
    assert sent.headers["PayPal-Request-Id"].startswith("sofadoc-refund-")


def test_client_cancelling_after_the_window_gets_no_refund(booking, client_user, paypal, frozen):
    frozen.shift(timedelta(seconds=1))  # one second past the deadline

    refund = booking_cancel(booking=booking, actor=client_user, role=Actor.CLIENT)

    assert refund is None
    assert Booking.objects.get().state == BookingState.CANCELLED
    assert not paypal.requests_to("/refund")
    assert booking.payments.get().status == PaymentStatus.CAPTURED


def test_coach_cancelling_always_refunds_and_must_say_why(booking, practice, paypal, frozen):
    frozen.shift(timedelta(hours=20))  # well past the client's window
    with pytest.raises(BookingError):
        booking_cancel(booking=booking, actor=practice.owner, role=Actor.COACH, reason=" ")

    refund = booking_cancel(
        booking=booking, actor=practice.owner, role=Actor.COACH, reason="Ich bin krank."
    )

    assert refund.amount == booking.price
    assert Booking.objects.get().cancel_reason == "Ich bin krank."


def test_the_cancel_page_says_which_rule_applies_before_confirming(
    client, booking, client_user, frozen
):
    client.force_login(client_user)
    url = reverse("bookings:cancel", args=[booking.reference])

    assert "full refund" in client.get(url).content.decode()
    frozen.shift(timedelta(hours=1))
    assert "there is no refund" in client.get(url).content.decode()


def test_a_refund_that_paypal_refuses_is_kept_for_staff(booking, client_user, paypal, frozen):
    paypal.fail_refunds = True

    refund = booking_cancel(booking=booking, actor=client_user, role=Actor.CLIENT)

    assert refund.status == "failed"
    assert Booking.objects.get().state == BookingState.CANCELLED


def test_client_moves_a_session_without_paying_again(client, booking, client_user, paypal, frozen):
    client.force_login(client_user)
    new_start = TUESDAY_10 + timedelta(hours=2)  # 12:00 Berlin

    response = client.post(
        reverse("bookings:move", args=[booking.reference]),
        {"start": f"{new_start:%Y-%m-%dT%H:%M:%SZ}"},
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == new_start and booking.end == new_start + timedelta(hours=1)
    assert booking.sequence == 1
    assert not paypal.created_orders() and booking.payments.count() == 1  # no second order
    # The old time is free again; the new one is taken.
    other = UserFactory()
    assert booking_hold(
        client=other,
        practice=booking.practice,
        session_type_id=booking.session_type_id,
        start=TUESDAY_10,
    )


def test_moving_onto_a_taken_time_is_refused(
    client, booking, client_user, practice, session_type, frozen
):
    taken = TUESDAY_10 + timedelta(hours=3)
    booking_hold(
        client=UserFactory(), practice=practice, session_type_id=session_type.pk, start=taken
    )
    client.force_login(client_user)

    response = client.post(
        reverse("bookings:move", args=[booking.reference]), {"start": f"{taken:%Y-%m-%dT%H:%M:%SZ}"}
    )

    assert response.status_code == 409
    assert Booking.objects.get(pk=booking.pk).start == TUESDAY_10


def test_the_receipt_link_lists_the_billing_documents_of_the_booking(
    client, booking, client_user, frozen
):
    """Receipts are billing's documents (tests/billing), issued from payments' announcement or,
    failing that, by billing's scan; the booking page links to them."""
    from coaching.billing.models import Document
    from coaching.billing.tasks import issue_missing_documents

    issue_missing_documents.apply()
    document = Document.objects.get(purchase=booking.purchase)
    client.force_login(client_user)

    detail = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert reverse("bookings:receipt", args=[booking.reference]) in detail
    html = client.get(reverse("bookings:receipt", args=[booking.reference])).content.decode()

    assert document.number in html
    assert reverse("billing:document_pdf", args=[document.pk]) in html
    assert "€80.00" in html  # the viewer's language (English here)


def test_ics_has_one_uid_per_booking_and_follows_moves_and_cancellation(
    client, booking, client_user, frozen
):
    client.force_login(client_user)
    url = reverse("bookings:ics", args=[booking.reference])

    event = Calendar.from_ical(client.get(url).content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{booking.reference}@sofadoc"
    assert event.decoded("DTSTART") == TUESDAY_10

    booking_cancel(booking=booking, actor=client_user, role=Actor.CLIENT)
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


@pytest.mark.parametrize("name", ["detail", "cancel", "move", "receipt", "ics"])
def test_only_client_coach_and_staff_see_a_booking(client, booking, practice, client_user, name):
    url = reverse(f"bookings:{name}", args=[booking.reference])

    for outsider in (UserFactory(), UserFactory(is_staff=False)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    another_coach = UserFactory()
    from tests.factories import PracticeFactory

    PracticeFactory(owner=another_coach)
    client.force_login(another_coach)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login

    client.force_login(client_user)
    assert client.get(url).status_code == 200


def test_staff_open_a_booking_only_with_two_factors(client, booking):
    url = reverse("bookings:detail", args=[booking.reference])
    client.force_login(StaffFactory(two_factors=False))
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory(two_factors=True))
    assert client.get(url).status_code == 200


def test_booking_lists_cost_a_fixed_number_of_queries(
    client, booking, practice, client_user, session_type
):
    for hours in (1, 2, 3, 4, 5):
        held = booking_hold(
            client=client_user,
            practice=practice,
            session_type_id=session_type.pk,
            start=TUESDAY_10 + timedelta(hours=hours),
        )
        Booking.objects.filter(pk=held.pk).update(state=BookingState.CONFIRMED)
    client.force_login(client_user)
    with pinned_queries(at_most=6):
        assert client.get(reverse("bookings:mine")).status_code == 200
    client.force_login(practice.owner)
    with pinned_queries(at_most=10):
        assert client.get(reverse("bookings:coach")).status_code == 200


def test_coach_week_view_shows_the_session_on_its_day(client, booking, practice):
    client.force_login(practice.owner)
    response = client.get(reverse("bookings:coach"), {"week": "2026-06-03"})
    days = dict(response.context["days"])
    assert [b.reference for b in days[TUESDAY_10.date()]] == [booking.reference]


def test_research_statistics_count_sessions_and_cancellations_without_people(
    booking, client_user, frozen
):
    from privacy.research import research_export

    booking_cancel(booking=booking, actor=client_user, role=Actor.CLIENT)
    data = research_export(k=1)

    assert data["sessions_per_specialty_and_month"] == []  # the only session was cancelled
    assert data["cancellations_per_month"] == [
        {"month": "2026-06", "outcome": "cancelled_by_client", "count": 1}
    ]
    assert research_export(k=2)["cancellations_per_month"] == []  # a group of one is suppressed
    assert client_user.email not in str(data) and booking.reference not in str(data)
