"""The packages services (coaching/packages/services.py): buying a package through the checkout,
booking from a credit, cancelling, expiry with its refunds and notice, and the credit race."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from coaching.billing.selectors import documents_for_item
from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import SlotTaken, booking_cancel
from coaching.packages.models import (
    ClientPackage,
    ClientPackageState,
    CreditEntry,
    CreditKind,
    ExpiryRule,
    Package,
)
from coaching.packages.selectors import client_packages_of, package_balances
from coaching.packages.services import (
    PackageError,
    booking_from_credit,
    client_package_activate,
    client_package_start,
    credit_balance,
)
from coaching.packages.tasks import expire_packages
from coaching.payments.models import LedgerEntry, PaymentStatus, PurchaseLine
from coaching.practices.services import practice_publish
from tests.bookings.fixtures import NOW, TUESDAY_10
from tests.factories import PracticeFactory, SessionTypeFactory, StaffFactory, UserFactory
from tests.notifications.resending import assert_sent_again_alike, resend_as_staff
from tests.packages.conftest import bought
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_buying_a_package_grants_its_sessions_once_through_the_same_checkout(
    paypal, frozen, package, client_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_package = bought(paypal, package=package, client=client_user)
    assert client_package.state == ClientPackageState.ACTIVE
    assert client_package.expires_at == NOW + timedelta(days=180)
    assert credit_balance(client_package) == 5
    line = PurchaseLine.objects.get(purchase=client_package.purchase)
    assert (line.kind, line.object_id, line.amount) == (
        "package",
        client_package.pk,
        Decimal("350.00"),
    )
    # The coach is the payee and SofaDoc's fee is on the order.
    order = paypal.orders[client_package.purchase.payments.get().order_id]["unit"]
    assert order["payee"]["merchant_id"] == f"MERCH{package.practice.pk:08d}"
    assert order["payment_instruction"]["platform_fees"]
    assert LedgerEntry.objects.filter(purchase=client_package.purchase).exists()
    # One receipt for the package, in the coach's name.
    [receipt] = documents_for_item(kind="package", object_id=client_package.pk)
    assert receipt.gross_total == Decimal("350.00")


def test_booking_from_a_credit_confirms_without_paying_and_the_balance_drops(
    client_package, client_user, paypal
):
    orders_before = len(paypal.created_orders())
    booking = booking_from_credit(
        client_package=client_package, client=client_user, start=TUESDAY_10
    )
    assert booking.state == BookingState.CONFIRMED
    assert booking.purchase_id is None
    assert len(paypal.created_orders()) == orders_before
    assert credit_balance(client_package) == 4
    use = CreditEntry.objects.get(booking=booking)
    assert (use.kind, use.delta) == (CreditKind.USE, -1)
    [balance] = package_balances(client_package.practice, client_user)
    assert balance.remaining == 4


def test_cancelling_inside_the_free_window_returns_the_credit(client_package, client_user):
    booking = booking_from_credit(
        client_package=client_package, client=client_user, start=TUESDAY_10 + timedelta(days=7)
    )
    refund = booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    assert refund is None  # nothing went through PayPal
    assert credit_balance(client_package) == 5
    assert CreditEntry.objects.get(booking=booking, kind=CreditKind.RETURN).delta == 1


def test_late_cancellation_uses_the_credit_up(client_package, client_user, frozen):
    booking = booking_from_credit(
        client_package=client_package, client=client_user, start=TUESDAY_10
    )
    frozen.move_to(TUESDAY_10 - timedelta(hours=2))  # the 24 h window has passed
    booking_cancel(booking=booking, actor=client_user, role=Role.CLIENT)
    assert credit_balance(client_package) == 4
    assert not CreditEntry.objects.filter(kind=CreditKind.RETURN).exists()


def test_a_coach_cancelling_late_still_returns_the_credit(client_package, client_user, frozen):
    booking = booking_from_credit(
        client_package=client_package, client=client_user, start=TUESDAY_10
    )
    frozen.move_to(TUESDAY_10 - timedelta(hours=2))
    booking_cancel(booking=booking, actor=booking.practice.owner, role=Role.COACH, reason="krank")
    assert credit_balance(client_package) == 5


def test_refusals_change_nothing(client_package, client_user, frozen):
    starts = [TUESDAY_10 + timedelta(days=7 * i) for i in range(5)]
    for start in starts:
        booking_from_credit(client_package=client_package, client=client_user, start=start)
    with pytest.raises(PackageError, match="used"):
        booking_from_credit(
            client_package=client_package, client=client_user, start=TUESDAY_10 + timedelta(hours=2)
        )
    with pytest.raises(PackageError):
        booking_from_credit(
            client_package=client_package,
            client=UserFactory(),
            start=TUESDAY_10 + timedelta(hours=2),
        )
    assert CreditEntry.objects.count() == 6


def test_a_taken_slot_uses_no_credit(client_package, client_user):
    booking_from_credit(client_package=client_package, client=client_user, start=TUESDAY_10)
    with pytest.raises(SlotTaken):
        booking_from_credit(client_package=client_package, client=client_user, start=TUESDAY_10)
    assert credit_balance(client_package) == 4


def test_an_expired_package_books_nothing(client_package, client_user, frozen):
    frozen.move_to(client_package.expires_at + timedelta(minutes=1))
    with pytest.raises(PackageError, match="expired"):
        booking_from_credit(
            client_package=client_package,
            client=client_user,
            start=client_package.expires_at + timedelta(days=2),
        )
    assert credit_balance(client_package) == 5


def test_a_session_after_the_expiry_date_is_refused(client_package, client_user):
    with pytest.raises(PackageError):
        booking_from_credit(
            client_package=client_package,
            client=client_user,
            start=client_package.expires_at + timedelta(hours=1),
        )


def test_a_package_of_another_practice_cannot_be_bought(package, client_user):
    other = PracticeFactory()
    with pytest.raises(PackageError):
        client_package_start(package_id=package.pk, practice=other, client=client_user)
    assert not client_user.client_packages.exists()


def test_expiry_refunds_unused_sessions_pro_rata_through_the_refund_path(
    client_package, client_user, paypal, frozen
):
    booking_from_credit(client_package=client_package, client=client_user, start=TUESDAY_10)
    booking_from_credit(
        client_package=client_package, client=client_user, start=TUESDAY_10 + timedelta(days=7)
    )
    frozen.move_to(client_package.expires_at + timedelta(minutes=5))
    assert expire_packages.apply().get() == 1
    client_package.refresh_from_db()
    assert client_package.state == ClientPackageState.EXPIRED
    assert credit_balance(client_package) == 0
    payment = client_package.purchase.payments.get()
    assert payment.status == PaymentStatus.PARTIALLY_REFUNDED
    [refund] = payment.refunds.all()
    assert refund.amount == Decimal("210.00")  # 3 of 5 sessions of 350 €
    [sent] = paypal.requests_to("/refund")
    assert '"210.00"' in str(sent.body)
    # A second run changes nothing.
    assert expire_packages.apply().get() == 0
    assert payment.refunds.count() == 1


def test_expiry_under_the_expire_rule_refunds_nothing(client_package, paypal, frozen):
    type(client_package).objects.filter(pk=client_package.pk).update(expiry_rule=ExpiryRule.EXPIRE)
    frozen.move_to(client_package.expires_at + timedelta(minutes=5))
    expire_packages.apply()
    client_package.refresh_from_db()
    assert client_package.state == ClientPackageState.EXPIRED
    assert (
        CreditEntry.objects.get(client_package=client_package, kind=CreditKind.EXPIRE).delta == -5
    )
    assert paypal.requests_to("/refund") == []


def test_credit_entries_are_append_only_in_the_database(client_package):
    entry = CreditEntry.objects.get(client_package=client_package)
    with pytest.raises(DatabaseError), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).update(delta=50)
    with pytest.raises(DatabaseError), transaction.atomic():
        CreditEntry.objects.filter(pk=entry.pk).delete()
    assert credit_balance(client_package) == 5


def test_a_failed_payment_grants_nothing(paypal, frozen, package, client_user):
    from coaching.payments.services import payment_fail, payment_start

    client_package = client_package_start(
        package_id=package.pk, practice=package.practice, client=client_user
    )
    payment = payment_start(
        purchase=client_package.purchase,
        return_url="https://x/r",
        cancel_url="https://x/c",
        locale="de-DE",
    )
    payment_fail(payment=payment, reason="declined")
    client_package.refresh_from_db()
    assert client_package.state == ClientPackageState.ABANDONED
    assert credit_balance(client_package) == 0
    assert list(client_packages_of(client_user)) == []


def test_a_client_is_told_once_two_weeks_before_unused_sessions_expire(
    client_package, client_user, frozen
):
    from coaching.notifications.models import Notification

    frozen.move_to(client_package.expires_at - timedelta(days=20))
    expire_packages.apply()
    assert not Notification.objects.filter(kind="package_expiring").exists()
    frozen.move_to(client_package.expires_at - timedelta(days=13))
    expire_packages.apply()
    expire_packages.apply()
    notices = Notification.objects.filter(kind="package_expiring", recipient=client_user)
    assert notices.exists()
    assert notices.count() == notices.values("channel").distinct().count()  # once per channel
    assert {n.key for n in notices} == {f"package:{client_package.pk}"}


def test_a_package_notice_sent_again_names_the_same_package(client_package, client_user, frozen):
    from django.urls import reverse

    frozen.move_to(client_package.expires_at - timedelta(days=13))
    expire_packages.apply()
    sent = assert_sent_again_alike(resend_as_staff)
    url = reverse("packages:detail", args=[client_package.reference])
    assert any(url in m.body for m in sent if m.to == [client_user.email])


# One credit left, 32 bookings at once from the same package on a real PostgreSQL: exactly one
# succeeds. Each attempt has its own thread and connection and really commits (transactional
# test), released together by a barrier, like the bookings race (tests/bookings/test_services.py).
ATTEMPTS = 32
RACE_NOW = datetime(2026, 6, 1, 6, tzinfo=UTC)  # Monday 08:00 in Berlin
# 32 distinct hours inside Mon-Fri 09:00-17:00 Berlin (07-15 UTC), Tuesday to Friday.
STARTS = [datetime(2026, 6, 2 + day, 7 + hour, tzinfo=UTC) for day in range(4) for hour in range(8)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_32_bookings_from_one_package_with_one_credit_left_make_exactly_one():
    practice = PracticeFactory()
    session_type = SessionTypeFactory(practice=practice, duration_minutes=60)
    practice_publish(practice=practice, actor=practice.owner)
    client = UserFactory()
    package = Package.objects.create(
        practice=practice, session_type=session_type, name="2er", sessions=2, price=Decimal("150")
    )
    with time_machine.travel(RACE_NOW, tick=False):
        client_package = ClientPackage.objects.create(
            package=package,
            practice=practice,
            session_type=session_type,
            client=client,
            name=package.name,
            sessions=2,
            price=package.price,
            validity_days=180,
            expiry_rule=package.expiry_rule,
        )
        with transaction.atomic():
            client_package_activate(client_package_id=client_package.pk)
        with transaction.atomic():
            booking_from_credit(
                client_package=client_package, client=client, start=STARTS[0] + timedelta(days=7)
            )
    assert credit_balance(client_package) == 1

    barrier = threading.Barrier(ATTEMPTS)
    won, refused, errors = [], [], []

    def attempt(start):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic(durable=True):
                booking = booking_from_credit(
                    client_package=client_package, client=client, start=start, now=RACE_NOW
                )
            won.append(booking.pk)
        except PackageError:
            refused.append(start)
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    with time_machine.travel(RACE_NOW, tick=False):
        threads = [threading.Thread(target=attempt, args=(start,)) for start in STARTS]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)

    assert errors == []
    assert len(won) == 1
    assert len(refused) == ATTEMPTS - 1
    assert credit_balance(client_package) == 0
    assert CreditEntry.objects.filter(kind="use").count() == 2
    assert Booking.objects.filter(state=BookingState.CONFIRMED).count() == 2


def test_the_staff_client_package_page_reads_its_credits_in_a_fixed_number_of_queries(
    client, client_package, client_user
):
    """The credits inline shows each entry's booking: read with the entries, not per row."""
    client.force_login(StaffFactory(two_factors=True))
    url = reverse("admin:packages_clientpackage_change", args=[client_package.pk])
    counts = []
    for week in range(2):
        booking_from_credit(
            client_package=client_package,
            client=client_user,
            start=TUESDAY_10 + timedelta(days=7 * week),
        )
        client.get(url)  # warm: the session and the staff's second factor
        with pinned_queries() as counted:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(counted))
    assert counts[0] == counts[1]
