"""Video rooms carry no personal data (random names); who was in them, from which browser, and a
coach's room settings (their waiting room note) are personal."""

from privacy.registry import PersonalData, not_personal, register

register(
    PersonalData(
        "video.ParticipantEvent",
        subject=("room__booking__client", "room__booking__practice__owner"),
        fields=["room__booking__reference", "kind", "role", "occurred_at", "duration_seconds"],
        order=290,
    ),
    PersonalData(
        "video.RoomSeat",
        subject=("room__booking__client", "room__booking__practice__owner"),
        fields=["room__booking__reference", "role", "seen_at", "left_at"],
        order=290,
        description="When each side's browser was last in the room (waiting room, reconnects).",
    ),
    PersonalData(
        "video.RoomSettings",
        subject="practice__owner",
        fields=["waiting_note", "auto_admit", "no_show_refund_percent"],
        order=290,
    ),
)
not_personal(
    "video.VideoRoom",
    reason="a random room name, Twilio's room id and the times of admission, per booking",
)
