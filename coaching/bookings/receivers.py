"""Bookings' part in an account erasure (future sessions are cancelled and refunded in full
before the person's data goes, DESIGN.md flow 7) and in retiring a practice's cached page."""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from coaching.bookings.models import Booking, BookingState, Role
from coaching.bookings.services import BookingError, booking_cancel
from coaching.practices.pages import availability_changed
from privacy.signals import account_erasure_requested


@receiver(account_erasure_requested, dispatch_uid="bookings-cancel-future-sessions")
def cancel_future_sessions(sender, user, actor, **kwargs):
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


@receiver(post_save, sender=Booking, dispatch_uid="bookings-retire-practice-page")
def retire_practice_page(sender, instance, **kwargs):
    """Every change of a booking (a hold, a payment, a cancellation, a move, an expired hold)
    is saved through the model: the practice's cached page with its free times goes."""
    availability_changed(instance.practice_id)
