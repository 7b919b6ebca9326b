"""The bookings' periodic tasks (coaching/bookings/tasks.py): holds that ran out free their slot."""

from datetime import timedelta

import pytest

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.tasks import expire_holds
from tests.bookings.fixtures import hold_and_go_to_paypal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_hold_expires_and_the_slot_is_free_again(signed_in, session_type, paypal, frozen):
    hold_and_go_to_paypal(signed_in, session_type)

    frozen.shift(timedelta(minutes=16))
    assert expire_holds.apply().get() == 1

    assert Booking.objects.get().state == BookingState.EXPIRED
    signed_in.force_login(UserFactory())
    assert hold_and_go_to_paypal(signed_in, session_type).status_code == 302
