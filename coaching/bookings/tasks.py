from celery import shared_task

from coaching.bookings.services import booking_expire_holds, booking_reconcile_orders


@shared_task(name="bookings.expire_holds")
def expire_holds() -> int:
    """Free slots whose hold ran out (every minute)."""
    return booking_expire_holds()


@shared_task(name="bookings.reconcile_orders")
def reconcile_orders() -> int:
    """Finish orders approved at PayPal whose return leg never reached us (every five minutes)."""
    return booking_reconcile_orders()
