"""What a participant may do with a booking (coaching/bookings/permissions.py): the viewer's part
in it, and the refund a cancellation by each part would bring."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from coaching.bookings.models import BookingState, Role
from coaching.bookings.permissions import booking_permissions, booking_role
from tests.factories import BookingFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_role_is_the_viewers_part_in_the_booking_and_nobody_elses():
    booking = BookingFactory()
    assert booking_role(booking, booking.practice.owner) == Role.COACH
    assert booking_role(booking, booking.client) == Role.CLIENT
    # Staff see bookings through their own check (two factors); they play no part in it.
    for stranger in (UserFactory(), StaffFactory(), AnonymousUser()):
        assert booking_role(booking, stranger) is None


def test_inside_the_window_only_the_client_may_move_and_only_the_coach_still_refunds():
    now = timezone.now()
    booking = BookingFactory(start=now + timedelta(hours=3), cancellation_window_hours=24)
    client = booking_permissions(booking=booking, role=Role.CLIENT, now=now)
    coach = booking_permissions(booking=booking, role=Role.COACH, now=now)
    assert client.cancel and coach.cancel
    assert not client.move and not coach.move  # past the free cancellation deadline
    assert not client.refund_due and coach.refund_due

    early = BookingFactory(start=now + timedelta(days=3), cancellation_window_hours=24)
    assert booking_permissions(booking=early, role=Role.CLIENT, now=now).move
    assert not booking_permissions(booking=early, role=Role.COACH, now=now).move


def test_nothing_is_allowed_on_a_session_that_is_over_or_cancelled():
    now = timezone.now()
    for booking in (
        BookingFactory(start=now - timedelta(hours=2)),
        BookingFactory(start=now + timedelta(days=3), state=BookingState.CANCELLED),
    ):
        may = booking_permissions(booking=booking, role=Role.CLIENT, now=now)
        assert not may.cancel and not may.move
