"""What notifications hears: bookings' and payments' domain events (after their commit), a
confirmed e-mail address (allauth), an account erasure (privacy), and inbox rows written through
the ORM. Connected by importing this module in NotificationsConfig.ready(); each signal's module
lists its receivers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from allauth.account.signals import email_confirmed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from coaching.bookings import signals as bookings
from coaching.bookings.models import Booking
from coaching.notifications.erasure import notifications_forget_person
from coaching.notifications.models import Channel, Kind, Notification, Status
from coaching.notifications.queueing import (
    booking_notify,
    notification_queue,
    staff_notify_payment_problem,
)
from coaching.notifications.selectors import inbox_changed
from coaching.payments.models import MerchantAccount, Purchase
from coaching.payments.signals import MoneyEvent, money_moved
from privacy.signals import account_erasure_requested, data_export_ready
from sofadoc.accounts.models import User

if TYPE_CHECKING:
    from allauth.account.models import EmailAddress

    from privacy.models import DataExport

logger = logging.getLogger(__name__)


@receiver(bookings.booking_confirmed, dispatch_uid="notifications.booking_confirmed")
def booking_confirmed_notify(*, booking: Booking, **kwargs: Any) -> None:
    booking_notify(booking=booking, kind=Kind.BOOKING_CONFIRMED)


@receiver(bookings.booking_cancelled, dispatch_uid="notifications.booking_cancelled")
def booking_cancelled_notify(*, booking: Booking, **kwargs: Any) -> None:
    booking_notify(booking=booking, kind=Kind.BOOKING_CANCELLED)


@receiver(bookings.booking_moved, dispatch_uid="notifications.booking_moved")
def booking_moved_notify(*, booking: Booking, **kwargs: Any) -> None:
    booking_notify(booking=booking, kind=Kind.BOOKING_MOVED)


@receiver(bookings.booking_refunded, dispatch_uid="notifications.booking_refunded")
def booking_refunded_notify(*, booking: Booking, **kwargs: Any) -> None:
    booking_notify(booking=booking, kind=Kind.BOOKING_REFUNDED, to_client_only=True)


@receiver(bookings.payment_problem, dispatch_uid="notifications.payment_problem")
def payment_problem_notify_staff(*, booking: Booking, problem: str = "", **kwargs: Any) -> None:
    staff_notify_payment_problem(booking=booking, problem=problem)


@receiver(email_confirmed, dispatch_uid="notifications.email_confirmed")
def email_confirmed_welcome(*, email_address: EmailAddress, **kwargs: Any) -> None:
    # allauth sends this with send(), not send_robust(): a welcome that cannot be queued must
    # not fail the confirmation itself.
    try:
        notification_queue(recipient=email_address.user, kind=Kind.WELCOME)
    except Exception:
        logger.exception("queueing the welcome message failed")


# Not robust: an erasure that cannot clean up must stop and be retried, not go on.
@receiver(account_erasure_requested, dispatch_uid="notifications.account_erasure")
def account_erasure_forget_person(*, user: User, **kwargs: Any) -> None:
    notifications_forget_person(user=user)


@receiver(data_export_ready, dispatch_uid="notifications.data_export_ready")
def data_export_ready_notify(*, export: DataExport, **kwargs: Any) -> None:
    """The person who asked for a copy of their data hears that it is ready, once per export."""
    notification_queue(
        recipient=export.user, kind=Kind.DATA_EXPORT_READY, key=f"export:{export.pk}"
    )


@receiver(money_moved, dispatch_uid="notifications.money_moved")
def money_moved_notify(event: MoneyEvent, **kwargs: Any) -> None:
    """The coach hears of a withdrawn PayPal permission and of a dispute (e-mail and inbox).
    Staff hear of disputes from payments itself, by e-mail."""
    # Each kind names what it is about (payments' MoneyEvent): a withdrawal its practice, a
    # dispute its purchase.
    if event.kind == "merchant_revoked" and event.practice_id is not None:
        account = MerchantAccount.objects.select_related("practice__owner").get(
            practice_id=event.practice_id
        )
        # One message per withdrawal (a reconnect and a second withdrawal is news again).
        key = f"revoked-{account.revoked_at:%Y%m%d%H%M%S}" if account.revoked_at else "revoked"
        notification_queue(recipient=account.practice.owner, kind=Kind.MERCHANT_REVOKED, key=key)
    elif event.kind == "dispute_opened" and event.purchase_id is not None:
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


@receiver(post_save, sender=Notification, dispatch_uid="notifications.inbox")
@receiver(post_delete, sender=Notification, dispatch_uid="notifications.inbox-delete")
def inbox_row_changed(*, instance: Notification, **kwargs: Any) -> None:
    """A delivered inbox message saved or removed through the ORM (the admin, erasure, tests):
    the recipient's cached unread count goes. Delivery and reading write in SQL and bump it
    themselves."""
    if instance.channel == Channel.INBOX and instance.status == Status.SENT:
        inbox_changed(instance.person_id)
