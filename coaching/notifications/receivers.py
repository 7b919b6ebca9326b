"""Listening to bookings and allauth. The senders run these after their commit."""

from __future__ import annotations

import logging

from coaching.notifications.models import Kind

logger = logging.getLogger(__name__)


def _safely(handler):
    # A message must never break what triggered it (the booking has committed already).
    def receiver(**kwargs):
        try:
            handler(**kwargs)
        except Exception:
            logger.exception("queueing a notification failed")

    receiver.__name__ = handler.__name__
    return receiver


def _safely_event(handler):
    def listener(event):
        try:
            handler(event)
        except Exception:
            logger.exception("queueing a money notification failed")

    listener.__name__ = handler.__name__
    return listener


def on_confirmed(*, booking, **kwargs):
    from coaching.notifications.queueing import booking_notify

    booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED)


def on_cancelled(*, booking, **kwargs):
    from coaching.notifications.queueing import booking_notify

    booking_notify(booking=booking, kind=Kind.BOOKING_CANCELLED)


def on_moved(*, booking, **kwargs):
    from coaching.notifications.queueing import booking_notify

    booking_notify(booking=booking, kind=Kind.BOOKING_MOVED)


def on_refunded(*, booking, **kwargs):
    from coaching.notifications.queueing import booking_notify

    booking_notify(booking=booking, kind=Kind.BOOKING_REFUNDED, to_client_only=True)


def on_payment_problem(*, booking, problem="", **kwargs):
    from coaching.notifications.queueing import staff_notify_payment_problem

    staff_notify_payment_problem(booking=booking, problem=problem)


def on_email_confirmed(*, email_address, **kwargs):
    from coaching.notifications.queueing import notification_queue

    notification_queue(recipient=email_address.user, kind=Kind.WELCOME)


def on_account_erasure(*, user, **kwargs):
    from coaching.notifications.erasure import notifications_forget_person

    notifications_forget_person(user=user)


def on_money_event(event):
    """Payments announces after commit; the coach hears of a withdrawn PayPal permission and of
    a dispute (e-mail and inbox). Staff hear of disputes from payments itself, by e-mail."""
    from coaching.notifications.queueing import notification_queue
    from coaching.payments.models import MerchantAccount, Purchase

    if event.kind == "merchant_revoked":
        account = MerchantAccount.objects.select_related("practice__owner").get(
            practice_id=event.practice_id
        )
        # One message per withdrawal (a reconnect and a second withdrawal is news again).
        key = f"revoked-{account.revoked_at:%Y%m%d%H%M%S}" if account.revoked_at else "revoked"
        notification_queue(recipient=account.practice.owner, kind=Kind.MERCHANT_REVOKED, key=key)
    elif event.kind == "dispute_opened":
        from coaching.bookings.models import Booking

        purchase = Purchase.objects.select_related("practice__owner").get(pk=event.purchase_id)
        line = purchase.lines.filter(kind="booking").first()
        booking = Booking.objects.filter(pk=line.object_id).first() if line else None
        notification_queue(
            recipient=purchase.practice.owner,
            kind=Kind.DISPUTE_OPENED,
            booking=booking,
            # A key of its own lifts the once-per-booking rule: each dispute is told once.
            key=f"dispute-{min(event.ledger_entry_ids, default=purchase.pk)}",
        )


RECEIVERS = {}


def inbox_row_changed(*, instance, **kwargs) -> None:
    """A delivered inbox message saved or removed through the ORM (the admin, erasure, tests):
    the recipient's cached unread count goes. Delivery and reading write in SQL and bump it
    themselves (services)."""
    from coaching.notifications.models import Channel, Status
    from coaching.notifications.selectors import inbox_changed

    if instance.channel == Channel.INBOX and instance.status == Status.SENT:
        inbox_changed(instance.recipient_id)


def connect() -> None:
    from allauth.account.signals import email_confirmed
    from django.db.models.signals import post_delete, post_save

    from coaching.bookings import signals
    from coaching.notifications.models import Notification
    from privacy.signals import account_erasure_requested

    pairs = [
        (signals.booking_confirmed, on_confirmed),
        (signals.booking_cancelled, on_cancelled),
        (signals.booking_moved, on_moved),
        (signals.booking_refunded, on_refunded),
        (signals.payment_problem, on_payment_problem),
        (email_confirmed, on_email_confirmed),
    ]
    for signal, handler in pairs:
        receiver = RECEIVERS.setdefault(handler.__name__, _safely(handler))
        signal.connect(receiver, weak=False, dispatch_uid=f"notifications.{handler.__name__}")
    from coaching.payments.listeners import subscribe

    subscribe(RECEIVERS.setdefault("on_money_event", _safely_event(on_money_event)))
    post_save.connect(inbox_row_changed, sender=Notification, dispatch_uid="notifications.inbox")
    post_delete.connect(
        inbox_row_changed, sender=Notification, dispatch_uid="notifications.inbox-delete"
    )
    # Not _safely: an erasure that cannot clean up must stop and be retried, not go on.
    account_erasure_requested.connect(
        on_account_erasure, weak=False, dispatch_uid="notifications.on_account_erasure"
    )
