"""Personal data in bookings. Bookings and the money records around them are kept for the
accounting trail (§ 147 AO: ten years for Belege, eight for invoices since 2025); what identifies
the client is removed from them when the client erases their account."""

from privacy.registry import Erase, PersonalData, not_personal, register

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
        "bookings.Payment",
        subject="booking__client",
        fields=[
            "booking__reference",
            "order_id",
            "capture_id",
            "status",
            "amount",
            "currency",
            "captured_at",
        ],
        erase=Erase.KEEP,  # no personal fields: ids and amounts only
        order=300,
    ),
    PersonalData(
        "bookings.Refund",
        subject="payment__booking__client",
        fields=["payment__booking__reference", "amount", "currency", "status", "created_at"],
        erase=Erase.KEEP,
        order=300,
    ),
    PersonalData(
        "bookings.CalendarFeed", subject="practice__owner", fields=["created_at"], order=300
    ),
)
not_personal(
    "bookings.WebhookEvent",
    reason="PayPal events are stored without payer and payee (see webhooks._without_personal_data)",
)
