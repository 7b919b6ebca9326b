from celery import shared_task

from coaching.payments.services import payment_reconcile_open


@shared_task(name="payments.reconcile_open_orders")
def reconcile_open_orders() -> int:
    """Finish orders approved at PayPal whose return leg never reached us."""
    return payment_reconcile_open()
