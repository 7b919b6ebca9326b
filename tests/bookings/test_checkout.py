"""Book, pay at PayPal (faked at HTTP level), come back, get confirmed — and everything that can
go wrong on the way."""

import json
import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.tasks import expire_holds
from coaching.payments import providers
from coaching.payments.models import Payment, PaymentStatus
from coaching.payments.tasks import reconcile_open_orders as reconcile_orders
from coaching.practices.models import WeeklyHours
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start_url(session_type, start=TUESDAY_10):
    return (
        reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
        + f"?start={start:%Y-%m-%dT%H:%M:%SZ}"
    )


def hold_and_go_to_paypal(client, session_type, start=TUESDAY_10, price="80.00"):
    return client.post(
        start_url(session_type, start),
        {"start": f"{start:%Y-%m-%dT%H:%M:%SZ}", "price": price},
    )


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert signed_in.get(start_url(session_type)).status_code == 200  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        assert signed_in.get(start_url(session_type)).status_code == 200
    # Session, user, consent gate (2), practice, session type, the slot check's hours, time off
    # and busy time, the header's unread count; the practice is not read twice.
    assert len(captured) <= 10, [q["sql"][:80] for q in captured]


def test_the_whole_checkout(
    signed_in, session_type, paypal, frozen, django_capture_on_commit_callbacks, received, settings
):
    from coaching.bookings.signals import booking_confirmed
    from coaching.payments.models import LedgerEntry

    settings.PAYPAL_PARTNER_ATTRIBUTION_ID = "SofaDoc_SP_PPCP"
    confirmed = received(booking_confirmed)

    response = hold_and_go_to_paypal(signed_in, session_type)

    booking = Booking.objects.get()
    assert booking.state == BookingState.HELD
    assert response.status_code == 302
    assert response.url.startswith("https://www.sandbox.paypal.com/checkoutnow?token=ORDER")
    [create] = paypal.created_orders()
    sent = json.loads(create.body)
    unit = sent["purchase_units"][0]
    assert sent["intent"] == "CAPTURE"
    assert unit["amount"] == {"currency_code": "EUR", "value": "80.00"}
    assert unit["invoice_id"] == unit["custom_id"] == booking.reference
    assert create.headers["PayPal-Request-Id"] == f"sofadoc-order-{booking.reference}-1"
    assert create.headers["PayPal-Partner-Attribution-Id"] == "SofaDoc_SP_PPCP"
    # The coach is paid, SofaDoc's fee (5 % of 80 €) rides along as the platform fee.
    merchant_id = session_type.practice.merchant_account.merchant_id
    assert unit["payee"] == {"merchant_id": merchant_id}
    assert unit["payment_instruction"]["platform_fees"] == [
        {"amount": {"currency_code": "EUR", "value": "4.00"}}
    ]
    assert booking.purchase.platform_fee == Decimal("4.00")
    assert [(line.kind, line.object_id) for line in booking.purchase.lines.all()] == [
        ("booking", booking.pk)
    ]
    context = sent["payment_source"]["paypal"]["experience_context"]
    assert context["return_url"].endswith(f"/bookings/{booking.reference}/paypal/return/")
    assert context["shipping_preference"] == "NO_SHIPPING"
    assert context["landing_page"] == "GUEST_CHECKOUT"
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
    assert payment.status == PaymentStatus.CAPTURED and payment.capture_id.startswith("CAPTURE")
    assert payment.paypal_fee == Decimal("2.34") and payment.net_amount == Decimal("73.66")
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
    [capture] = paypal.requests_to("/capture")
    assert capture.headers["PayPal-Request-Id"] == f"sofadoc-capture-{order_id}"
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


def test_a_hold_expires_and_the_slot_is_free_again(signed_in, session_type, paypal, frozen):
    hold_and_go_to_paypal(signed_in, session_type)

    frozen.shift(timedelta(minutes=16))
    assert expire_holds.apply().get() == 1

    assert Booking.objects.get().state == BookingState.EXPIRED
    signed_in.force_login(UserFactory())
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


def test_the_reconciler_finishes_an_order_whose_return_never_came(
    signed_in, session_type, paypal, frozen
):
    hold_and_go_to_paypal(signed_in, session_type)
    order_id = Payment.objects.get().order_id
    paypal.approve(order_id)  # approved at PayPal, then the tab was closed

    frozen.shift(timedelta(minutes=20))  # the hold ran out meanwhile
    expire_holds.apply()
    assert reconcile_orders.apply().get() == 1

    booking = Booking.objects.get()
    assert booking.state == BookingState.CONFIRMED  # the slot was still free
    assert booking.payments.get().status == PaymentStatus.CAPTURED


def test_a_late_capture_for_a_slot_taken_meanwhile_is_refunded(
    signed_in, session_type, paypal, frozen
):
    hold_and_go_to_paypal(signed_in, session_type)
    first = Booking.objects.get()
    order_id = first.payments.get().order_id
    paypal.approve(order_id)
    frozen.shift(timedelta(minutes=20))
    expire_holds.apply()
    signed_in.force_login(UserFactory())
    hold_and_go_to_paypal(signed_in, session_type)  # someone else holds the slot now

    assert reconcile_orders.apply().get() == 1  # finished: paid, then refunded

    first.refresh_from_db()
    assert first.state == BookingState.EXPIRED
    assert first.payments.get().status == PaymentStatus.REFUNDED
    assert len(paypal.requests_to("/refund")) == 1


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


def test_the_paypal_twin_cannot_run_in_production_by_accident(settings):
    settings.PAYPAL_MODE, settings.DEBUG, settings.PAYPAL_TWIN_ALLOWED = "twin", False, False
    with pytest.raises(ImproperlyConfigured):
        providers.default_provider()
    # A payment made through the twin (the demo's) is still refunded through it, never at PayPal.
    assert providers.provider_for("twin").name == "twin"
    settings.PAYPAL_TWIN_ALLOWED = True
    assert providers.default_provider().name == "twin"


def test_the_demo_checkout_through_the_paypal_twin(signed_in, session_type, frozen, settings):
    from coaching.payments.models import LedgerEntry

    settings.PAYPAL_MODE, settings.PAYPAL_TWIN_ALLOWED = "twin", True
    # The demo coach connected PayPal through the twin.
    session_type.practice.merchant_account.__class__.objects.filter(
        practice=session_type.practice
    ).update(provider="twin")

    response = hold_and_go_to_paypal(signed_in, session_type)
    assert response.status_code == 302 and "/paypal-sandbox/" in response.url
    page = signed_in.get(response.url)
    assert "Sandbox" in page.content.decode()

    back = signed_in.post(response.url, {"action": "approve"})
    confirmed = signed_in.get(back.url)

    assert confirmed.status_code == 302
    assert Booking.objects.get().state == BookingState.CONFIRMED
    # The twin keeps PayPal's arithmetic: 2.49 % + 0.35 € and SofaDoc's 5 %.
    amounts = dict(LedgerEntry.objects.values_list("kind", "amount"))
    assert amounts == {
        "capture_gross": Decimal("80.00"),
        "paypal_fee": Decimal("-2.34"),
        "platform_fee": Decimal("-4.00"),
        "net": Decimal("73.66"),
    }


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
