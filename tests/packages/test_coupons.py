"""Coupons: a coach's code lowers a single session, a series or a package; the PayPal order and
the receipt carry the lowered amount and name the coupon; uses are limited and counted under the
coupon's lock; an abandoned checkout gives its use back."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from coaching.billing.selectors import documents_for_item
from coaching.bookings.models import Booking, Role
from coaching.bookings.services import booking_cancel, booking_refund_issue
from coaching.packages.coupons import coupon_uses_counted, coupons_of_practice, discount_amounts
from coaching.packages.models import ClientPackage, Coupon, CouponKind, CouponUse, Package
from coaching.packages.series_services import series_hold
from coaching.packages.services import PackageError, client_package_start
from coaching.payments.models import PaymentStatus, Purchase, PurchaseLine
from coaching.payments.services import payment_cancel, payment_capture, payment_start
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, SessionTypeFactory, StaffFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def coupon(practice, **kwargs):
    values = {"code": "SOMMER20", "kind": CouponKind.PERCENT, "value": Decimal("20")}
    values.update(kwargs)
    return Coupon.objects.create(practice=practice, **values)


def start_paying(purchase):
    return payment_start(
        purchase=purchase, return_url="https://x/r", cancel_url="https://x/c", locale="de-DE"
    )


# --- The arithmetic --------------------------------------------------------------------------
def test_a_percentage_comes_off_each_line_to_the_cent():
    percent = Coupon(kind=CouponKind.PERCENT, value=Decimal("15"))
    assert discount_amounts(percent, [Decimal("80.00"), Decimal("33.33")]) == [
        Decimal("12.00"),
        Decimal("5.00"),
    ]


def test_an_amount_is_shared_in_proportion_and_never_more_than_the_price():
    amount = Coupon(kind=CouponKind.AMOUNT, value=Decimal("10.00"))
    shares = discount_amounts(amount, [Decimal("80.00")] * 3)
    assert shares == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert sum(shares) == Decimal("10.00")
    big = Coupon(kind=CouponKind.AMOUNT, value=Decimal("500"))
    assert discount_amounts(big, [Decimal("80.00")]) == [Decimal("80.00")]


# --- A package ---------------------------------------------------------------------------------
def test_a_package_bought_with_a_coupon_costs_less_at_paypal_and_on_the_receipt(
    paypal, frozen, package, client_user, django_capture_on_commit_callbacks
):
    coupon(package.practice)
    with django_capture_on_commit_callbacks(execute=True):
        client_package = client_package_start(
            package_id=package.pk,
            practice=package.practice,
            client=client_user,
            coupon_code=" sommer20 ",
        )
        payment = start_paying(client_package.purchase)
        paypal.approve(payment.order_id)
        payment_capture(order_id=payment.order_id, actor=client_user)
    client_package.refresh_from_db()
    assert client_package.state == "active"
    assert client_package.price == Decimal("280.00")  # a pro rata refund gives back what was paid
    unit = paypal.orders[payment.order_id]["unit"]
    assert unit["amount"]["value"] == "280.00"
    assert "Gutschein SOMMER20: −70,00" in unit["description"]
    [line] = PurchaseLine.objects.filter(purchase=client_package.purchase)
    assert line.amount == Decimal("280.00") and "Gutschein SOMMER20" in line.description
    [receipt] = documents_for_item(kind="package", object_id=client_package.pk)
    assert receipt.gross_total == Decimal("280.00")
    assert "Gutschein SOMMER20" in receipt.lines.get().description
    use = CouponUse.objects.get()
    assert (use.purchase_id, use.client, use.amount) == (
        client_package.purchase_id,
        client_user,
        Decimal("70.00"),
    )


def test_the_buy_page_shows_the_price_with_the_discount_before_paying(
    client, client_user, package, paypal, frozen
):
    coupon(package.practice, kind=CouponKind.AMOUNT, value=Decimal("50"))
    client.force_login(client_user)
    url = reverse("packages:buy", args=[package.practice.slug, package.pk])
    page = client.get(url, {"coupon": "sommer20"}).content.decode()
    assert "€300.00" in page and "Coupon SOMMER20: €50.00 off" in page
    assert 'name="coupon" value="SOMMER20"' in page
    refused = client.get(url, {"coupon": "NOPE"})
    assert refused.status_code == 400
    assert "This code is not valid." in refused.content.decode()
    assert client.post(url, {"coupon": "SOMMER20"}).status_code == 302
    assert ClientPackage.objects.get().purchase.total == Decimal("300.00")


def test_a_wrong_code_buys_nothing(client, client_user, package, paypal, frozen):
    client.force_login(client_user)
    url = reverse("packages:buy", args=[package.practice.slug, package.pk])
    for code in ["NOPE", "X" * 10_000, "SOM\x00MER20"]:  # PostgreSQL cannot compare a NUL
        response = client.post(url, {"coupon": code})
        assert response.status_code == 409
        assert "This code is not valid." in response.content.decode()
    assert not ClientPackage.objects.exists() and not Purchase.objects.exists()
    assert not paypal.created_orders()


# --- A single session --------------------------------------------------------------------------
def test_a_single_session_with_a_coupon(client, client_user, session_type, paypal, frozen):
    coupon(session_type.practice, session_type=session_type)
    client.force_login(client_user)
    url = reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
    start = TUESDAY_10.isoformat().replace("+00:00", "Z")
    page = client.get(url, {"start": start, "coupon": "SOMMER20"}).content.decode()
    assert "€64.00" in page and "Coupon SOMMER20: 20\N{NO-BREAK SPACE}% off" in page
    response = client.post(url, {"start": start, "price": "80.00", "coupon": "SOMMER20"})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.purchase.total == Decimal("64.00")
    [order] = paypal.orders.values()
    assert order["unit"]["amount"]["value"] == "64.00"
    assert "Gutschein SOMMER20: −16,00" in order["unit"]["description"]


def test_a_code_for_something_else_holds_no_slot(
    client, client_user, session_type, package, paypal, frozen
):
    coupon(session_type.practice, package=package)
    client.force_login(client_user)
    url = reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
    start = TUESDAY_10.isoformat().replace("+00:00", "Z")
    shown = client.get(url, {"start": start, "coupon": "SOMMER20"})
    assert shown.status_code == 400
    assert "This code does not apply to this offer." in shown.content.decode()
    response = client.post(url, {"start": start, "price": "80.00", "coupon": "SOMMER20"})
    assert response.status_code == 409
    assert not Booking.objects.exists()


# --- A series ------------------------------------------------------------------------------
def test_a_series_with_an_amount_off_shares_it_over_its_sessions(
    session_type, client_user, paypal, frozen
):
    coupon(session_type.practice, kind=CouponKind.AMOUNT, value=Decimal("30"))
    starts = [TUESDAY_10 + timedelta(weeks=k) for k in range(3)]
    series = series_hold(
        client=client_user,
        practice=session_type.practice,
        session_type_id=session_type.pk,
        starts=starts,
        interval_weeks=1,
        coupon_code="SOMMER20",
    )
    lines = list(series.purchase.lines.order_by("pk"))
    assert [line.amount for line in lines] == [Decimal("70.00")] * 3
    assert series.purchase.total == Decimal("210.00")
    assert all("Gutschein SOMMER20: −10,00" in line.description for line in lines)


def test_the_series_page_shows_the_total_with_the_coupon(
    client, client_user, session_type, paypal, frozen
):
    coupon(session_type.practice)
    client.force_login(client_user)
    url = reverse("packages:series_start", args=[session_type.practice.slug, session_type.pk])
    start = TUESDAY_10.isoformat().replace("+00:00", "Z")
    query = {"start": start, "interval_weeks": 1, "count": 2, "coupon": "SOMMER20"}
    page = client.get(url, query).content.decode()
    assert "With your coupon: €128.00" in page


# --- Limits ------------------------------------------------------------------------------------
def _buy(package, client, code="SOMMER20"):
    return client_package_start(
        package_id=package.pk, practice=package.practice, client=client, coupon_code=code
    )


def test_a_code_outside_its_window_or_deactivated_is_refused(package, client_user, frozen):
    now = timezone.now()
    code = coupon(package.practice, valid_from=now + timedelta(days=1))
    with pytest.raises(PackageError, match="not valid at this time"):
        _buy(package, client_user)
    Coupon.objects.filter(pk=code.pk).update(valid_from=None, valid_until=now)
    with pytest.raises(PackageError, match="not valid at this time"):
        _buy(package, client_user)
    Coupon.objects.filter(pk=code.pk).update(valid_until=None, is_active=False)
    with pytest.raises(PackageError, match="not valid"):
        _buy(package, client_user)
    assert not ClientPackage.objects.exists()


def test_another_coachs_code_is_not_valid_here(package, client_user, frozen):
    coupon(PracticeFactory(slug="bert"))
    with pytest.raises(PackageError, match="not valid"):
        _buy(package, client_user)


def test_less_than_one_euro_left_is_refused(package, client_user, frozen):
    coupon(package.practice, value=Decimal("100"))
    with pytest.raises(PackageError, match="less than 1"):
        _buy(package, client_user)


def test_uses_are_limited_and_an_abandoned_checkout_gives_its_use_back(
    package, client_user, paypal, frozen
):
    code = coupon(package.practice, max_uses=1)
    other = UserFactory()
    first = _buy(package, client_user)
    with pytest.raises(PackageError, match="used up"):
        _buy(package, other)
    # The client cancels at PayPal: the use is free again at once.
    payment = start_paying(first.purchase)
    payment_cancel(purchase_id=first.purchase_id, order_id=payment.order_id)
    assert coupon_uses_counted(code, now=timezone.now()) == 0
    second = _buy(package, other)
    # This one is left open (a closed tab): its use counts while the hold lasts, then lapses.
    with pytest.raises(PackageError, match="used up"):
        _buy(package, client_user)
    frozen.shift(timedelta(minutes=16))
    third = _buy(package, client_user)
    # Paid, a use counts for good, also after the hold's time.
    payment = start_paying(third.purchase)
    paypal.approve(payment.order_id)
    payment_capture(order_id=payment.order_id, actor=client_user)
    frozen.shift(timedelta(days=2))
    assert coupon_uses_counted(code, now=timezone.now()) == 1
    with pytest.raises(PackageError, match="used up"):
        _buy(package, other)
    assert CouponUse.objects.count() == 3
    assert second.purchase.coupon_use.coupon == code


def test_a_fully_refunded_purchase_gives_its_use_back_a_partly_refunded_one_keeps_it(
    client, client_user, session_type, paypal, frozen
):
    code = coupon(session_type.practice, session_type=session_type, max_uses=1)
    url = reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
    start = TUESDAY_10 + timedelta(days=7)  # well inside the free cancellation window

    def paid_with_code(buyer, at):
        client.force_login(buyer)
        client.post(url, {"start": at.isoformat(), "price": "80.00", "coupon": "SOMMER20"})
        booking = Booking.objects.get(client=buyer)
        payment = booking.purchase.payments.get()
        paypal.approve(payment.order_id)
        payment_capture(order_id=payment.order_id, actor=buyer)
        assert booking.purchase.total == Decimal("64.00")
        return booking, payment

    booking, payment = paid_with_code(client_user, start)
    assert coupon_uses_counted(code, now=timezone.now()) == 1
    # Cancelled within the terms and refunded in full: as if never bought, the use too.
    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.REFUNDED
    assert coupon_uses_counted(code, now=timezone.now()) == 0
    [listed] = coupons_of_practice(session_type.practice, now=timezone.now())
    assert listed.used == 0

    # So another client can use the code; ten euros back to them keeps the use (they had the
    # session at the coupon's price).
    other, other_payment = paid_with_code(UserFactory(), start + timedelta(hours=2))
    with transaction.atomic():
        booking_refund_issue(
            booking=Booking.objects.select_for_update().get(pk=other.pk),
            payment=other_payment,
            amount=Decimal("10.00"),
            reason="goodwill",
        )
    other_payment.refresh_from_db()
    assert other_payment.status == PaymentStatus.PARTIALLY_REFUNDED
    assert coupon_uses_counted(code, now=timezone.now()) == 1


# --- The coach's page ------------------------------------------------------------------------
def test_the_coach_creates_lists_and_deactivates_coupons(client, package, frozen):
    practice = package.practice
    client.force_login(practice.owner)
    url = reverse("packages:coupons")
    response = client.post(
        url,
        {
            "code": "herbst-10",
            "kind": "amount",
            "value": "10",
            "max_uses": "5",
            "package": package.pk,
        },
    )
    assert response.status_code == 302
    created = Coupon.objects.get()
    assert (created.code, created.package, created.max_uses) == ("HERBST-10", package, 5)
    page = client.get(url).content.decode()
    assert "HERBST-10" in page and "0 von 5" in page  # the coach reads German
    deactivate = reverse("packages:coupon_deactivate", args=[created.pk])
    assert client.post(deactivate).status_code == 302
    created.refresh_from_db()
    assert not created.is_active


@pytest.mark.parametrize(
    "data",
    [
        {"code": "x", "kind": "percent", "value": "10"},  # too short
        {"code": "<script>", "kind": "percent", "value": "10"},
        {"code": "GUT", "kind": "percent", "value": "150"},
        {"code": "GUT", "kind": "amount", "value": "-5"},
        {"code": "GUT", "kind": "percent", "value": "10", "max_uses": "0"},
        {"code": "GUT" * 5000, "kind": "percent", "value": "10"},
    ],
)
def test_bad_coupons_are_a_400_and_nothing_is_saved(client, practice, data):
    client.force_login(practice.owner)
    assert client.post(reverse("packages:coupons"), data).status_code == 400
    assert not Coupon.objects.exists()


def test_a_code_twice_and_another_coachs_offers_are_refused(client, package, session_type):
    practice = package.practice
    coupon(practice)
    other = PracticeFactory(slug="bert")
    other_package = Package.objects.create(
        practice=other,
        session_type=SessionTypeFactory(practice=other),
        name="Bert-Karte",
        sessions=2,
        price="90",
    )
    client.force_login(practice.owner)
    url = reverse("packages:coupons")
    twice = client.post(url, {"code": "sommer20", "kind": "percent", "value": "5"})
    assert twice.status_code == 400
    response = client.post(
        url, {"code": "NEU", "kind": "percent", "value": "5", "package": other_package.pk}
    )
    assert response.status_code == 400
    assert Coupon.objects.count() == 1


def test_another_coachs_coupon_cannot_be_deactivated(client, package):
    code = coupon(package.practice)
    other = PracticeFactory(slug="bert")
    client.force_login(other.owner)
    assert client.post(reverse("packages:coupon_deactivate", args=[code.pk])).status_code == 404
    code.refresh_from_db()
    assert code.is_active


def test_the_staff_coupon_page_reads_its_uses_in_a_fixed_number_of_queries(client, package, frozen):
    """The uses inline shows each use's purchase and client: read with the uses, not per row."""
    code = coupon(package.practice)
    client.force_login(StaffFactory(two_factors=True))
    url = reverse("admin:packages_coupon_change", args=[code.pk])
    counts = []
    for _new in range(2):
        _buy(package, UserFactory())
        client.get(url)  # warm: the session and the staff's second factor
        with pinned_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(counted))
    assert CouponUse.objects.count() == 2
    assert counts[0] == counts[1]
