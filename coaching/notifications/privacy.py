"""Messages sent to a person and their channel choices: exported with the account and deleted
with it (a delivery log keeps no value once the person is gone)."""

from privacy.registry import PersonalData, register

register(
    PersonalData(
        "notifications.Notification",
        subject="recipient",
        fields=[
            "kind",
            "channel",
            "status",
            "subject",
            "body",
            "queued_at",
            "sent_at",
            "read_at",
            "opened",
        ],
        order=200,
    ),
    PersonalData(
        "notifications.Preferences",
        subject="user",
        fields=[
            "reminder_timing",
            "sms_reminders",
            "sms_booking_messages",
            "sms_confirmed_phone",
            "sms_opted_out_at",
            "open_tracking",
            "news_requested_at",
            "news_confirmed_at",
        ],
        order=200,
    ),
)
