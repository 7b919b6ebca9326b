"""Bookings' part in an account erasure (future sessions are cancelled and refunded in full
before the person's data goes, DESIGN.md flow 7)."""

from django.dispatch import receiver
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import BookingError, booking_cancel
from privacy.signals import account_erasure_requested


@receiver(account_erasure_requested, dispatch_uid="bookings-cancel-future-sessions")
def cancel_future_sessions(sender, user, **kwargs):
    future = Booking.objects.filter(state=BookingState.CONFIRMED, start__gt=timezone.now())
    # Their own sessions as a client, and as a coach the sessions their clients booked; both
    # refunded in full (a cancellation by the platform, not a late cancellation by the client).
    for booking in future.filter(client=user) | future.filter(practice__owner=user):
        try:
            booking_cancel(
                booking=booking,
                actor=None,
                role=Role.SYSTEM,
                reason="Konto gelöscht / account deleted",
            )
        except BookingError:
            continue  # cancelled meanwhile (e.g. by an earlier, interrupted erasure run)
