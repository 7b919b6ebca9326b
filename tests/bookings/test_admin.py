import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from coaching.bookings.models import BookingState, PaymentStatus
from coaching.bookings.services import booking_capture, booking_hold, booking_start_payment
from tests.bookings.conftest import TUESDAY_10
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


@pytest.fixture
def booking(practice, session_type, client_user, paypal, frozen):
    held = booking_hold(
        client=client_user, practice=practice, session_type_id=session_type.pk, start=TUESDAY_10
    )
    booking_start_payment(
        booking=held, return_url="https://x/r", cancel_url="https://x/c", locale="de-DE"
    )
    order_id = held.payments.get().order_id
    paypal.approve(order_id)
    return booking_capture(booking=held, order_id=order_id)


@pytest.mark.parametrize(
    "model",
    ["booking", "bookingevent", "payment", "refund", "receipt", "webhookevent", "calendarfeed"],
)
def test_every_bookings_model_has_a_working_admin(admin_client, booking, model):
    changelist = reverse(f"admin:bookings_{model}_changelist")
    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": booking.reference}).status_code == 200


def test_logs_and_money_are_read_only_in_the_admin(admin_client, booking):
    payment = booking.payments.get()
    assert admin_client.get(reverse("admin:bookings_payment_add")).status_code == 403
    response = admin_client.post(
        reverse("admin:bookings_payment_change", args=[payment.pk]), {"status": "refunded"}
    )
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CAPTURED


def test_staff_cancel_from_the_admin_through_the_service(admin_client, booking, paypal):
    admin_client.post(
        reverse("admin:bookings_booking_changelist"),
        {"action": "cancel_with_refund", "_selected_action": [booking.pk]},
    )

    booking.refresh_from_db()
    assert booking.state == BookingState.CANCELLED and booking.cancelled_by == "staff"
    assert booking.payments.get().status == PaymentStatus.REFUNDED
    assert booking.events.last().actor_role == "staff"
