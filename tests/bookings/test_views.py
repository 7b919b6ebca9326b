"""The booking pages (coaching/bookings/views.py): the checkout (book, pay at PayPal faked at the
HTTP level, come back, get confirmed, and everything that can go wrong on the way), then the
cancel and move pages, the receipt link, lists, the coach's week, and who may see what."""

import json
import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import (
    booking_hold,
)
from coaching.payments.models import Payment, PaymentStatus
from coaching.practices.models import WeeklyHours
from tests.bookings.fixtures import TUESDAY_10, hold_and_go_to_paypal, start_url
from tests.factories import PracticeFactory, StaffFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_the_cancel_page_says_which_rule_applies_before_confirming(
    client, booking, client_user, frozen
):
    client.force_login(client_user)
    url = reverse("bookings:cancel", args=[booking.reference])

    assert "full refund" in client.get(url).content.decode()
    frozen.shift(timedelta(hours=1))
    assert "there is no refund" in client.get(url).content.decode()


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


@pytest.mark.parametrize("name", ["detail", "cancel", "move", "receipt", "ics"])
def test_only_client_coach_and_staff_see_a_booking(client, booking, practice, client_user, name):
    url = reverse(f"bookings:{name}", args=[booking.reference])

    for outsider in (UserFactory(), UserFactory(is_staff=False)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    another_coach = UserFactory()

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
    with pinned_queries(at_most=7):  # +1: the header's conversations count (cold)
        assert client.get(reverse("bookings:mine")).status_code == 200
    client.force_login(practice.owner)
    with pinned_queries(at_most=10):
        assert client.get(reverse("bookings:coach")).status_code == 200


def test_coach_week_view_shows_the_session_on_its_day(client, booking, practice):
    client.force_login(practice.owner)
    response = client.get(reverse("bookings:coach"), {"week": "2026-06-03"})
    days = {column.day: column for column in response.context["grid"].days}
    tuesday = days[TUESDAY_10.date()]
    assert [item.thing.url for item in tuesday.items] == [
        reverse("bookings:detail", args=[booking.reference])
    ]
    assert not any(column.items for column in days.values() if column is not tuesday)


def test_confirm_page_shows_times_in_both_zones_price_and_refund_rule(client, session_type, frozen):
    client.force_login(UserFactory(language="en", time_zone="America/New_York"))

    response = client.get(start_url(session_type))

    html = response.content.decode()
    assert response.status_code == 200
    assert "04:00" in html and "Eastern Time (New York)" in html  # the client's time
    assert "10:00" in html and "Central European Time (Berlin)" in html  # the coach's time
    assert "€80.00" in html
    assert "Free cancellation with a full refund until" in html
    # Checkout is a redirect to PayPal: the page loads no third-party script.
    assert not re.search(r"<script[^>]+src=\"https?://", html)


def test_confirm_page_costs_a_fixed_number_of_queries(signed_in, session_type, frozen):
    assert signed_in.get(start_url(session_type)).status_code == 200  # warm the caches
    # Session, user, consent gate (2), practice, session type, the slot check's hours, time off
    # and busy time, the header's unread count; the practice is not read twice.
    with pinned_queries(at_most=10):
        assert signed_in.get(start_url(session_type)).status_code == 200


def test_the_whole_checkout(
    signed_in, session_type, paypal, frozen, django_capture_on_commit_callbacks, received
):
    from coaching.bookings.signals import booking_confirmed
    from coaching.payments.models import LedgerEntry

    confirmed = received(booking_confirmed)

    response = hold_and_go_to_paypal(signed_in, session_type)

    booking = Booking.objects.get()
    assert booking.state == BookingState.HELD
    assert response.status_code == 302
    assert response.url.startswith("https://www.sandbox.paypal.com/checkoutnow?token=ORDER")
    # What the order says at PayPal is tested in tests/payments/test_paypal.py; the view's part
    # is the purchase, where PayPal sends the client back, and in which language.
    [create] = paypal.created_orders()
    sent = json.loads(create.body)
    assert booking.purchase.platform_fee == Decimal("4.00")  # 5 % of 80 €
    assert [(line.kind, line.object_id) for line in booking.purchase.lines.all()] == [
        ("booking", booking.pk)
    ]
    context = sent["payment_source"]["paypal"]["experience_context"]
    assert context["return_url"].endswith(f"/bookings/{booking.reference}/paypal/return/")
    assert context["locale"] == "en-DE"  # the client reads English

    order_id = Payment.objects.get().order_id
    paypal.approve(order_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.get(
            reverse("bookings:paypal_return", args=[booking.reference]), {"token": order_id}
        )

    assert response.status_code == 302
    booking.refresh_from_db()
    payment = booking.payments.get()
    assert booking.state == BookingState.CONFIRMED
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.platform_fee == Decimal("4.00")
    ledger = {
        e.kind: e.amount for e in LedgerEntry.objects.filter(provider_reference=payment.capture_id)
    }
    assert ledger == {
        "capture_gross": Decimal("80.00"),
        "paypal_fee": Decimal("-2.34"),
        "platform_fee": Decimal("-4.00"),
        "net": Decimal("73.66"),
    }
    assert [kwargs["booking"].pk for kwargs in confirmed] == [booking.pk]
    assert len(paypal.requests_to("/capture")) == 1
    assert [e.to_state for e in booking.events.all()] == ["held", "confirmed"]


def test_a_replayed_return_url_captures_once(signed_in, session_type, paypal, frozen):
    hold_and_go_to_paypal(signed_in, session_type)
    booking = Booking.objects.get()
    order_id = booking.payments.get().order_id
    paypal.approve(order_id)
    url = reverse("bookings:paypal_return", args=[booking.reference])

    signed_in.get(url, {"token": order_id})
    again = signed_in.get(url, {"token": order_id})

    assert again.status_code == 302
    assert len(paypal.requests_to("/capture")) == 1
    assert Booking.objects.get().state == BookingState.CONFIRMED


def test_cancelling_at_paypal_frees_the_slot_at_once(signed_in, session_type, paypal, frozen):
    hold_and_go_to_paypal(signed_in, session_type)
    booking = Booking.objects.get()

    response = signed_in.get(
        reverse("bookings:paypal_cancel", args=[booking.reference]),
        {"token": booking.payments.get().order_id},
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.state == BookingState.ABANDONED
    other = UserFactory()
    signed_in.force_login(other)
    assert hold_and_go_to_paypal(signed_in, session_type).status_code == 302


def test_a_taken_slot_gets_the_friendly_message(signed_in, session_type, paypal, frozen):
    hold_and_go_to_paypal(signed_in, session_type)
    signed_in.force_login(UserFactory(language="en"))

    response = hold_and_go_to_paypal(signed_in, session_type)

    assert response.status_code == 409
    assert "This time was just taken. Please pick another slot." in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("start", "price", "status"),
    [
        ("2026-06-02T08:10:00Z", "80.00", 409),  # off the slot grid
        ("2026-06-02T20:00:00Z", "80.00", 409),  # outside the weekly hours
        ("2026-05-30T08:00:00Z", "80.00", 400),  # in the past
        ("tomorrow at ten", "80.00", 400),  # not a time
        ("2026-06-02T08:00:00", "80.00", 400),  # no zone: ambiguous
        ("2026-06-02T08:00:00Z", "60.00", 409),  # price changed since the page
    ],
)
def test_tampered_or_stale_requests_are_refused_and_change_nothing(
    signed_in, session_type, paypal, frozen, start, price, status
):
    response = signed_in.post(
        reverse("bookings:start", args=["anna", session_type.pk]), {"start": start, "price": price}
    )

    assert response.status_code == status
    assert not Booking.objects.exists()
    assert not paypal.created_orders()


def test_a_session_type_of_another_practice_is_a_404(signed_in, session_type, frozen):
    from tests.factories import SessionTypeFactory

    foreign = SessionTypeFactory()
    url = reverse("bookings:start", args=["anna", foreign.pk]) + "?start=2026-06-02T08:00:00Z"
    assert signed_in.get(url).status_code == 404


def test_booking_needs_a_login(client, session_type, frozen):
    response = client.get(start_url(session_type))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_no_slot_in_the_hour_that_spring_skips(client, practice, session_type, paypal):
    """29 March 2026, Berlin: 02:00 becomes 03:00. 02:30 does not exist as a slot."""
    WeeklyHours.objects.create(practice=practice, weekday=6, start_time=time(1), end_time=time(6))
    client.force_login(UserFactory(language="en"))
    with time_machine.travel(datetime(2026, 3, 27, tzinfo=UTC), tick=False):
        # The grid runs on real time: 00:30 UTC is 01:30 CET, the next slot 01:00 UTC is
        # 03:00 CEST. A start between grid points (01:15 UTC) is refused.
        ok = hold_and_go_to_paypal(
            client, session_type, start=datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
        )
        off_grid = hold_and_go_to_paypal(
            client, session_type, start=datetime(2026, 3, 29, 1, 15, tzinfo=UTC)
        )

    assert ok.status_code == 302
    assert off_grid.status_code == 409
    booking = Booking.objects.get()
    assert booking.start.astimezone(practice_zone(practice)).strftime("%H:%M %Z") == "03:30 CEST"


def test_both_instants_of_the_autumn_hour_can_be_booked_once_each(
    client, practice, session_type, paypal
):
    """25 October 2026, Berlin: 02:00-03:00 happens twice (CEST, then CET)."""
    practice.slot_step_minutes = 60
    practice.save(update_fields=["slot_step_minutes"])
    WeeklyHours.objects.create(practice=practice, weekday=6, start_time=time(1), end_time=time(5))
    first_two = datetime(2026, 10, 25, 0, tzinfo=UTC)  # 02:00 CEST
    second_two = datetime(2026, 10, 25, 1, tzinfo=UTC)  # 02:00 CET
    with time_machine.travel(datetime(2026, 10, 20, tzinfo=UTC), tick=False):
        for start in (first_two, second_two):
            client.force_login(UserFactory())
            assert hold_and_go_to_paypal(client, session_type, start=start).status_code == 302

    zone = practice_zone(practice)
    assert sorted(b.start.astimezone(zone).strftime("%H:%M %Z") for b in Booking.objects.all()) == [
        "02:00 CEST",
        "02:00 CET",
    ]


def practice_zone(practice):
    return ZoneInfo(practice.time_zone)


@pytest.mark.parametrize(
    ("mode", "origin"),
    [("sandbox", "https://www.sandbox.paypal.com"), ("live", "https://www.paypal.com")],
)
def test_the_confirm_page_lets_its_form_lead_on_to_paypal(
    signed_in, session_type, frozen, settings, mode, origin
):
    """The POST is answered with a redirect to PayPal's approval page, and browsers hold such
    redirects to the CSP form-action of the page with the form (found by the e2e journey)."""
    settings.PAYPAL_MODE = mode
    response = signed_in.get(start_url(session_type))
    assert response.status_code == 200
    [form_action] = [
        d for d in response["Content-Security-Policy"].split("; ") if d.startswith("form-action")
    ]
    assert form_action.split() == ["form-action", "'self'", origin]


def test_the_paypal_twin_needs_no_other_form_target(signed_in, session_type, frozen, settings):
    settings.PAYPAL_MODE = "twin"
    response = signed_in.get(start_url(session_type))
    assert "form-action 'self';" in response["Content-Security-Policy"] + ";"
    assert "paypal.com" not in response["Content-Security-Policy"]


def test_the_booking_page_offers_join_now_in_the_window(client, booking, client_user, frozen):
    client.force_login(client_user)
    url = reverse("bookings:detail", args=[booking.reference])
    assert (
        reverse("video:join", args=[booking.reference]) + '">'
        not in client.get(url).content.decode()
    )
    frozen.move_to(TUESDAY_10 - timedelta(minutes=5))  # the room opens ten minutes early
    assert (
        f'href="{reverse("video:join", args=[booking.reference])}"'
        in client.get(url).content.decode()
    )


@pytest.mark.parametrize(("viewer_zone", "shown"), [("Europe/Berlin", False), ("Asia/Tokyo", True)])
def test_the_coachs_time_is_shown_only_when_the_viewer_lives_in_another_zone(
    client, booking, client_user, viewer_zone, shown
):
    client_user.time_zone = viewer_zone
    client_user.save(update_fields=["time_zone"])
    client.force_login(client_user)

    page = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()

    assert booking.practice.time_zone == "Europe/Berlin"
    assert ("Coach's time" in page or "Coach&#x27;s time" in page) is shown
