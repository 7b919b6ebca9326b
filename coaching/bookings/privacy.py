"""Personal data in bookings. Bookings and their receipts are kept for the accounting trail
(§ 147 AO: ten years for Belege, eight for invoices since 2025); what identifies the client is
removed from them when the client erases their account. The money records (purchases, payments,
refunds) are declared in coaching/payments/privacy.py."""

from privacy.registry import Erase, PersonalData, register

register(
    PersonalData(
        "bookings.Booking",
        subject=("client", "practice__owner"),
        fields=[
            "reference",
            "session_name",
            "start",
            "end",
            "state",
            "price",
            "currency",
            "cancelled_by",
            "cancel_reason",
            "created_at",
            "confirmed_at",
            "cancelled_at",
            "practice__name",
        ],
        erase=Erase.KEEP,
        anonymise={"client": None, "cancel_reason": ""},
        order=300,
    ),
    PersonalData(
        "bookings.BookingEvent",
        subject=("actor", "booking__client"),
        fields=["booking__reference", "actor_role", "from_state", "to_state", "created_at"],
        erase=Erase.KEEP,
        anonymise={"actor": None},
        order=300,
    ),
    PersonalData(
        "bookings.CalendarFeed", subject="practice__owner", fields=["created_at"], order=300
    ),
)
