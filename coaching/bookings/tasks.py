from celery import shared_task

from coaching.bookings.services import booking_expire_holds


@shared_task(name="bookings.expire_holds")
def expire_holds() -> int:
    """Free slots whose hold ran out (every minute)."""
    return booking_expire_holds()
