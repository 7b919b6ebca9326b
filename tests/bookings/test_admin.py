import pytest
from django.urls import reverse

from coaching.bookings.models import BookingState
from coaching.payments.models import PaymentStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "bookings_booking",
        "bookings_bookingevent",
        "bookings_receipt",
        "bookings_calendarfeed",
        "payments_payment",
        "payments_refund",
        "payments_webhookevent",
        "payments_purchase",
        "payments_ledgerentry",
        "payments_feeoverride",
    ],
)
def test_every_bookings_model_has_a_working_admin(staff_client, booking, model):
    changelist = reverse(f"admin:{model}_changelist")
    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": booking.reference}).status_code == 200


def test_logs_and_money_are_read_only_in_the_admin(staff_client, booking):
    payment = booking.payments.get()
    assert staff_client.get(reverse("admin:payments_payment_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:payments_payment_change", args=[payment.pk]), {"status": "refunded"}
    )
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED


def test_staff_cancel_from_the_admin_through_the_service(staff_client, booking, paypal):
    staff_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "cancel_with_refund", "_selected_action": [booking.pk]},
    )

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == "staff"
    assert booking.payments.get().status == PaymentStatus.REFUNDED
    assert booking.events.last().actor_role == "staff"
