"""A booking paid with a package credit, cancelled (bookings' prepaid registry): inside the free
window (or by the coach) the credit comes back; after it, the credit stays used, which is the
coach's cancellation rule for single sessions too."""

from __future__ import annotations

from coaching.bookings.models import Booking
from coaching.bookings.prepaid import register_prepaid
from coaching.packages.models import ClientPackage, CreditEntry, CreditKind


def on_booking_cancelled(*, booking: Booking, refund_due: bool, role: str) -> bool:
    use = CreditEntry.objects.filter(booking=booking, kind=CreditKind.USE).first()
    if use is None:
        return False
    if refund_due:
        # The package row lock orders this with bookings and expiry of the same package.
        client_package = ClientPackage.objects.select_for_update().get(pk=use.client_package_id)
        if client_package.state == "active":
            CreditEntry.objects.get_or_create(
                booking=booking,
                kind=CreditKind.RETURN,
                defaults={
                    "client_package": client_package,
                    "practice_id": use.practice_id,
                    "session_type_id": use.session_type_id,
                    "delta": 1,
                },
            )
    return True


def register() -> None:
    register_prepaid(on_booking_cancelled)
