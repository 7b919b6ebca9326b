"""Video rooms carry no personal data (random names); who was in them is personal."""

from privacy.registry import PersonalData, not_personal, register

register(
    PersonalData(
        "video.ParticipantEvent",
        subject=("room__booking__client", "room__booking__practice__owner"),
        fields=["room__booking__reference", "kind", "role", "occurred_at", "duration_seconds"],
        order=290,
    ),
)
not_personal("video.VideoRoom", reason="a random room name and Twilio's room id, per booking")
