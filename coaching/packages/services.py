"""Changes to packages: the coach's offers, buying one, booking from its credits, expiry.

Entry points (views, tasks) wrap these in `transaction.atomic(durable=True)`. Money goes through
the payments services (a package is a purchase line of kind "package", payment_kind.py); a
booking from a credit goes through the bookings services. Locks are taken in one order: the
client package, then the practice (inside booking_hold); cancellation locks the booking, then
the client package (prepaid.py), and never the practice after it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.bookings.models import Booking
from coaching.bookings.services import BookingError, booking_confirm_prepaid, booking_hold
from coaching.packages.models import (
    ClientPackage,
    ClientPackageState,
    CreditEntry,
    CreditKind,
    Package,
)
from coaching.packages.refunds import package_expiry_refund
from coaching.payments.models import PaymentStatus
from coaching.payments.services import LineSpec, PaymentRefused, purchase_create, refund_issue
from coaching.practices.directory import directory_changed
from coaching.practices.gates import practice_takes_payments
from coaching.practices.models import Practice
from sofadoc.accounts.models import User

logger = logging.getLogger(__name__)


class PackageError(BookingError):
    """A request about a package we refuse; nothing changed. `message` can be shown."""


def package_save(*, package: Package, actor: User) -> Package:
    """Create or change a coach's offer (validated by its form). The practice page shows
    offers, so its cached copies are retired."""
    if package.practice.owner_id != actor.pk:
        raise PackageError(_("This is not your practice."))
    if package.session_type.practice_id != package.practice_id:
        raise PackageError(_("Please choose one of your own session types."))
    with transaction.atomic():
        package.save()
        transaction.on_commit(directory_changed)
    return package


def credit_balance(client_package: ClientPackage) -> int:
    """Sessions left: the sum of the package's credit entries (read inside the caller's lock
    when it decides anything)."""
    total = CreditEntry.objects.filter(client_package=client_package).aggregate(n=Sum("delta"))
    return total["n"] or 0


def package_line(package: Package, *, object_id: int = 0, now: datetime | None = None) -> LineSpec:
    """The purchase line of `package` (object_id 0 for the price shown before buying)."""
    return LineSpec(
        kind="package",
        object_id=object_id,
        description=f"{package.name}: {package.sessions} × {package.session_type.name}",
        amount=package.price,
        currency=package.currency,
        service_date=now or timezone.now(),
        offer_keys=(f"package:{package.pk}", f"session_type:{package.session_type_id}"),
    )


def client_package_start(
    *,
    package_id: int,
    practice: Practice,
    client: User,
    now: datetime | None = None,
    coupon_code: str = "",
) -> ClientPackage:
    """A client begins to buy `package_id` of `practice`: a held client package with its
    purchase (one line of kind "package"); the caller starts the PayPal order for it.
    Refuses a package of another practice, one no longer on sale, and the coach's own, and a
    coupon that does not apply (its use is counted with the purchase: coupons.py). The client
    package's price is what the client pays, so a pro rata refund gives back what was paid."""
    with transaction.atomic():
        package = (
            Package.objects.select_related("session_type", "practice")
            .filter(pk=package_id, practice=practice, is_active=True)
            .first()
        )
        if package is None or not package.session_type.is_active or not practice.is_published:
            raise PackageError(_("This package cannot be bought."))
        if practice.owner_id == client.pk:
            raise PackageError(_("You cannot buy your own package."))
        if not practice_takes_payments(practice_id=practice.pk):
            raise PackageError(
                _("This coach cannot take payments at the moment. Please try again later.")
            )
        client_package = ClientPackage.objects.create(
            package=package,
            practice=practice,
            session_type=package.session_type,
            client=client,
            name=package.name,
            sessions=package.sessions,
            price=package.price,
            currency=package.currency,
            validity_days=package.validity_days,
            expiry_rule=package.expiry_rule,
        )
        try:
            client_package.purchase = purchase_create(
                practice=practice,
                buyer=client,
                reference=client_package.reference,
                lines=[package_line(package, object_id=client_package.pk, now=now)],
                discount_code=coupon_code,
            )
        except PaymentRefused as error:
            raise PackageError(error.message) from error
        client_package.price = client_package.purchase.total
        client_package.save(update_fields=["purchase", "price"])
    return client_package


def client_package_activate(*, client_package_id: int, now: datetime | None = None) -> bool:
    """Paid (the "package" kind's on_paid, inside the capture's transaction): the package runs
    from now for its validity and is granted its sessions, once. True if it is active."""
    now = now or timezone.now()
    client_package = ClientPackage.objects.select_for_update().get(pk=client_package_id)
    if client_package.state == ClientPackageState.ACTIVE:
        return True
    if client_package.state not in (ClientPackageState.HELD, ClientPackageState.ABANDONED):
        return False
    client_package.state = ClientPackageState.ACTIVE
    client_package.activated_at = now
    client_package.expires_at = now + timedelta(days=client_package.validity_days)
    client_package.save(update_fields=["state", "activated_at", "expires_at"])
    _entry(client_package, CreditKind.GRANT, client_package.sessions)
    return True


def client_package_release(*, client_package_id: int) -> None:
    """The payment failed or the client cancelled at PayPal: nothing was granted."""
    client_package = ClientPackage.objects.select_for_update().get(pk=client_package_id)
    if client_package.state == ClientPackageState.HELD:
        client_package.state = ClientPackageState.ABANDONED
        client_package.save(update_fields=["state"])


def client_package_revoke(*, client_package_id: int) -> None:
    """PayPal took the money back: the sessions left can no longer be used."""
    client_package = ClientPackage.objects.select_for_update().get(pk=client_package_id)
    if client_package.state != ClientPackageState.ACTIVE:
        return
    left = credit_balance(client_package)
    if left > 0:
        _entry(client_package, CreditKind.REVOKE, -left)
    client_package.state = ClientPackageState.REVOKED
    client_package.save(update_fields=["state"])


def booking_from_credit(
    *, client_package: ClientPackage, client: User, start: datetime, now: datetime | None = None
) -> Booking:
    """Book a session of the package's type at `start` with one of its credits, without paying.

    The credit is used and the booking confirmed in one transaction, under the client package's
    row lock, so N concurrent requests with one credit left make exactly one booking. Refuses
    another person's package, one not active or expired, one used up, a session after expiry;
    the slot itself is checked by booking_hold (SlotTaken)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            ClientPackage.objects.select_for_update()
            .filter(pk=client_package.pk, client=client)
            .first()
        )
        if locked is None:
            raise PackageError(_("This package cannot be used."))
        if (
            locked.state != ClientPackageState.ACTIVE
            or locked.expires_at is None
            or locked.expires_at <= now
        ):
            raise PackageError(_("This package has expired or is not paid yet."))
        if start >= locked.expires_at:
            raise PackageError(_("This session would be after your package expires."))
        if credit_balance(locked) < 1:
            raise PackageError(_("All sessions of this package are used."))
        booking = booking_hold(
            client=client,
            practice=locked.practice,
            session_type_id=locked.session_type_id,
            start=start,
            now=now,
            prepaid=True,
        )
        _entry(locked, CreditKind.USE, -1, booking=booking)
        booking = booking_confirm_prepaid(
            booking=booking, actor=client, reason=f"booked from package {locked.reference}"
        )
    return booking


def client_packages_expire_due(*, now: datetime | None = None) -> int:
    """Packages whose validity ended: unused sessions expire, and are refunded pro rata through
    the refund path where the package's rule says so. Each package on its own (one failure
    stops no other); safe to run again. Returns how many expired."""
    now = now or timezone.now()
    due = list(
        ClientPackage.objects.filter(
            state=ClientPackageState.ACTIVE, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for pk in due:
        try:
            with transaction.atomic(durable=True):
                expired += client_package_expire(client_package_id=pk, now=now)
        except Exception:  # one package's trouble (PayPal down) must not stop the others
            logger.exception("expiring client package %s", pk)
    return expired


def client_package_expire(*, client_package_id: int, now: datetime) -> bool:
    client_package = (
        ClientPackage.objects.select_for_update(skip_locked=True)
        .filter(pk=client_package_id, state=ClientPackageState.ACTIVE, expires_at__lte=now)
        .first()
    )
    if client_package is None:
        return False
    unused = credit_balance(client_package)
    if unused > 0:
        _entry(client_package, CreditKind.EXPIRE, -unused)
    client_package.state = ClientPackageState.EXPIRED
    client_package.save(update_fields=["state"])
    amount = package_expiry_refund(client_package, unused=unused)
    purchase = client_package.purchase  # None: nothing was paid (no query then)
    payment = (
        purchase.payments.filter(
            status__in=[PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED]
        ).first()
        if purchase is not None
        else None
    )
    if amount > Decimal("0") and payment is not None:
        refund_issue(
            payment=payment,
            amount=min(amount, payment.amount - payment.refunded_amount()),
            reason=f"package expired: {unused} unused session(s) refunded pro rata",
        )
    return True


def _entry(
    client_package: ClientPackage, kind: str, delta: int, booking: Booking | None = None
) -> CreditEntry:
    return CreditEntry.objects.create(
        client_package=client_package,
        practice_id=client_package.practice_id,
        session_type_id=client_package.session_type_id,
        kind=kind,
        delta=delta,
        booking=booking,
    )
