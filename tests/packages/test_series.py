from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import SlotTaken, booking_cancel, booking_hold, booking_move
from coaching.packages.models import BookingSeries
from coaching.packages.refunds import series_refund_quote
from coaching.packages.series import series_check
from coaching.packages.series_services import (
    SeriesError,
    series_bookings,
    series_cancel_rest,
    series_hold,
    series_release,
)
from coaching.payments.models import PaymentStatus, PurchaseLine
from coaching.payments.services import payment_capture, payment_fail, payment_start
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

WEEK = timedelta(days=7)


@pytest.fixture
def six(practice, session_type):
    """Six Tuesdays at 10:00 Berlin from 2 June, inside a year-long booking horizon."""
    practice.horizon_days = 365
    practice.save(update_fields=["horizon_days"])
    session_type.practice = practice
    return [TUESDAY_10 + k * WEEK for k in range(6)]


def paid_series(paypal, *, client, practice, session_type, starts):
    series = series_hold(
        client=client,
        practice=practice,
        session_type_id=session_type.pk,
        starts=starts,
        interval_weeks=1,
    )
    payment = payment_start(
        purchase=series.purchase, return_url="https://x/r", cancel_url="https://x/c", locale="de"
    )
    paypal.approve(payment.order_id)
    payment_capture(order_id=payment.order_id, actor=client)
    return series, payment


def test_the_check_lists_taken_and_closed_occurrences_with_alternatives(
    frozen, practice, session_type, six
):
    booking_hold(
        client=UserFactory(), practice=practice, session_type_id=session_type.pk, start=six[2]
    )
    plan = series_check(session_type=session_type, first_start=six[0], interval_weeks=1, count=6)
    assert [o.free for o in plan] == [True, True, False, True, True, True]
    taken = plan[2]
    assert taken.alternatives and all(a.date() == six[2].date() for a in taken.alternatives)
    assert six[2] not in taken.alternatives
    # A Saturday is outside the coach's hours (Mon-Fri): nothing on that day.
    saturday = series_check(
        session_type=session_type, first_start=six[0] + timedelta(days=4), interval_weeks=2, count=2
    )
    assert [(o.free, o.alternatives) for o in saturday] == [(False, ()), (False, ())]


def test_a_series_is_held_and_paid_once_with_a_line_per_occurrence(
    paypal, frozen, practice, session_type, client_user, six
):
    series, payment = paid_series(
        paypal, client=client_user, practice=practice, session_type=session_type, starts=six
    )
    bookings = list(series_bookings(series))
    assert [b.start for b in bookings] == six
    assert {b.state for b in bookings} == {BookingState.CONFIRMED}
    assert payment.purchase.total == Decimal("480.00")
    assert PurchaseLine.objects.filter(purchase=series.purchase, kind="booking").count() == 6
    assert len(paypal.created_orders()) == 1


def test_nothing_is_held_when_one_chosen_occurrence_is_taken(
    frozen, practice, session_type, client_user, six
):
    booking_hold(
        client=UserFactory(), practice=practice, session_type_id=session_type.pk, start=six[3]
    )
    with pytest.raises(SlotTaken):
        series_hold(
            client=client_user,
            practice=practice,
            session_type_id=session_type.pk,
            starts=six,
            interval_weeks=1,
        )
    assert not Booking.objects.filter(client=client_user).exists()
    assert not BookingSeries.objects.exists()


@pytest.mark.parametrize("count", [0, 53, 500])
def test_a_series_of_0_or_too_many_occurrences_is_refused(
    frozen, practice, session_type, client_user, count
):
    starts = [TUESDAY_10 + k * WEEK for k in range(count)]
    with pytest.raises(SeriesError):
        series_hold(
            client=client_user,
            practice=practice,
            session_type_id=session_type.pk,
            starts=starts,
            interval_weeks=1,
        )
    assert not Booking.objects.exists()


def test_abandoning_or_a_failed_payment_releases_every_occurrence(
    paypal, frozen, practice, session_type, client_user, six
):
    series = series_hold(
        client=client_user,
        practice=practice,
        session_type_id=session_type.pk,
        starts=six[:3],
        interval_weeks=1,
    )
    payment = payment_start(
        purchase=series.purchase, return_url="https://x/r", cancel_url="https://x/c", locale="de"
    )
    assert series_release(series=series, order_id=payment.order_id, actor=client_user) == 3
    assert {b.state for b in series_bookings(series)} == {BookingState.ABANDONED}

    other = series_hold(
        client=client_user,
        practice=practice,
        session_type_id=session_type.pk,
        starts=six[:3],  # free again
        interval_weeks=1,
    )
    payment = payment_start(
        purchase=other.purchase, return_url="https://x/r", cancel_url="https://x/c", locale="de"
    )
    payment_fail(payment=payment, reason="declined")
    assert {b.state for b in series_bookings(other)} == {BookingState.ABANDONED}


def test_each_occurrence_is_moved_or_cancelled_alone_with_its_own_refund(
    paypal, frozen, practice, session_type, client_user, six
):
    series, payment = paid_series(
        paypal, client=client_user, practice=practice, session_type=session_type, starts=six
    )
    first, second, *rest = series_bookings(series)
    booking_move(booking=second, actor=client_user, new_start=second.start + timedelta(hours=2))
    refund = booking_cancel(booking=first, actor=client_user, role=Role.CLIENT)
    assert refund.amount == Decimal("80.00")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert Booking.objects.get(pk=second.pk).state == BookingState.CONFIRMED
    # Still refundable after a partial refund.
    refund = booking_cancel(booking=rest[0], actor=client_user, role=Role.CLIENT)
    assert refund.amount == Decimal("80.00")


def test_cancelling_the_rest_refunds_what_the_quote_showed(
    paypal, frozen, practice, session_type, client_user, six
):
    series, _payment = paid_series(
        paypal, client=client_user, practice=practice, session_type=session_type, starts=six
    )
    frozen.move_to(six[0] - timedelta(hours=2))  # the first one is inside its 24 h window
    quote = series_refund_quote(list(series_bookings(series)))
    assert [amount for _b, amount in quote.lines] == [Decimal("0.00")] + [Decimal("80.00")] * 5
    assert quote.total == Decimal("400.00")
    refunds = series_cancel_rest(series=series, actor=client_user)
    assert sum(r.amount for r in refunds) == quote.total
    assert {b.state for b in series_bookings(series)} == {BookingState.CANCELLED}


def test_the_series_pages(client, paypal, frozen, practice, session_type, client_user, six):
    client.force_login(client_user)
    url = reverse("packages:series_start", args=[practice.slug, session_type.pk])
    start = six[0].isoformat().replace("+00:00", "Z")
    for count in (0, 500):
        response = client.get(url, {"start": start, "interval_weeks": 1, "count": count})
        assert response.status_code == 400
    page = client.get(url, {"start": start, "interval_weeks": 1, "count": 6})
    assert page.status_code == 200
    assert len(page.context["plan"]) == 6
    chosen = [row.value for row in page.context["plan"]]
    assert chosen == [s.isoformat().replace("+00:00", "Z") for s in six]
    assert page.context["plan"][0].label == "Tue 2. Jun 2026, 10:00"  # the client's zone
    assert client.post(url, {"start": start, "interval_weeks": 1, "count": 6}).status_code == 400
    response = client.post(
        url, {"start": start, "interval_weeks": 1, "count": 6, "occurrence": chosen}
    )
    assert response.status_code == 302
    series = BookingSeries.objects.get()
    order_id = series.purchase.payments.get().order_id
    paypal.approve(order_id)
    back = reverse("packages:series_paypal_return", args=[series.reference])
    assert client.get(back, {"token": order_id}).status_code == 302
    detail = client.get(reverse("packages:series_detail", args=[series.reference]))
    assert detail.status_code == 200
    cancel = reverse("packages:series_cancel", args=[series.reference])
    shown = client.get(cancel)
    assert shown.context["quote"].total == Decimal("480.00")
    assert client.post(cancel).status_code == 302
    assert client.post(cancel).status_code == 409  # nothing left
    # Someone else's series is a 404.
    client.force_login(UserFactory())
    assert client.get(reverse("packages:series_detail", args=[series.reference])).status_code == 404


def test_the_series_page_has_a_fixed_number_of_queries(
    client, paypal, frozen, practice, session_type, client_user, six
):
    from django.core.cache import cache

    client.force_login(client_user)
    two, _ = paid_series(
        paypal, client=client_user, practice=practice, session_type=session_type, starts=six[:2]
    )
    later = [start + timedelta(hours=2) for start in six]
    all_six, _ = paid_series(
        paypal, client=client_user, practice=practice, session_type=session_type, starts=later
    )
    for series in (two, all_six):
        cache.clear()
        # session, user, the series, its bookings, their lines (the refund quote), the layout's
        # two; +1: the header's conversations count (cold)
        with pinned_queries(8):
            response = client.get(reverse("packages:series_detail", args=[series.reference]))
        assert response.status_code == 200


def test_the_series_check_page_costs_the_same_for_6_or_52_occurrences(
    client, frozen, practice, session_type, client_user, six
):
    from tests.queries import pinned_queries

    client.force_login(client_user)
    url = reverse("packages:series_start", args=[practice.slug, session_type.pk])
    start = six[0].isoformat().replace("+00:00", "Z")
    # A taken occurrence: its day is looked at a second time, for the alternatives.
    booking_hold(
        client=UserFactory(), practice=practice, session_type_id=session_type.pk, start=six[2]
    )
    for count, expected in ((6, 7), (52, 7)):
        query = {"start": start, "interval_weeks": 1, "count": count}
        assert client.get(url, query).status_code == 200  # warm: session, user, consent, header
        # The session type with its practice, then per look (the starts alone; the
        # taken day): hours with time off, bookings' and calendars' busy time.
        with pinned_queries(expected):
            assert client.get(url, query).status_code == 200
