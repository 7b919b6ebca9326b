"""Personal data in bookings. Bookings and their receipts are kept for the accounting trail
(§ 147 AO: ten years for Belege, eight for invoices since 2025); what identifies the client is
removed from them when the client erases their account. The money records (purchases, payments,
refunds) are declared in coaching/payments/privacy.py."""

from privacy.registry import Erase, PersonalData, register

# System reasons ("hold expired", "paid") stay in the audit trail; what a person typed when
# cancelling may hold anything (a phone number, a diagnosis) and goes.
_TYPED_BY = ("client", "coach", "staff")


def _event_reason(event) -> str:
    typed = event.actor_role in _TYPED_BY and event.to_state == "cancelled"
    return "" if typed else event.reason


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
        # The copied session name is the coach's wording and may name either side.
        redact=["session_name"],
        # After the rows found through it (events, payments, receipts): clearing `client`
        # here would hide them from their own steps.
        order=320,
    ),
    PersonalData(
        "bookings.BookingEvent",
        subject=("actor", "booking__client", "booking__practice__owner"),
        fields=[
            "booking__reference",
            "actor_role",
            "from_state",
            "to_state",
            "reason",
            "created_at",
        ],
        erase=Erase.KEEP,
        anonymise={"actor": None, "reason": _event_reason},
        redact=["reason"],
        order=300,
    ),
    PersonalData(
        "bookings.CalendarFeed", subject="practice__owner", fields=["created_at"], order=300
    ),
)
