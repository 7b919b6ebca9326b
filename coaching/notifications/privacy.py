"""Messages sent to a person and their channel choices: exported with the account and deleted
with it (a delivery log keeps no value once the person is gone)."""

from privacy.registry import PersonalData, register

register(
    PersonalData(
        "notifications.Notification",
        subject="recipient",
        fields=["kind", "channel", "status", "subject", "body", "queued_at", "sent_at", "read_at"],
        order=200,
    ),
    PersonalData(
        "notifications.Preferences",
        subject="user",
        fields=["reminder_timing", "sms_confirmed_phone"],
        order=200,
    ),
)
