"""Which channels a message goes by: service messages can never be switched off entirely."""

from hypothesis import given
from hypothesis import strategies as st

from coaching.notifications.models import Channel, Kind, Preferences, ReminderTiming
from coaching.notifications.preferences import channels_for
from sofadoc.accounts.models import User

PHONE = "+4915123456789"


@given(
    # News confirmations and export notices go by e-mail only (kinds.py).
    kind=st.sampled_from([k for k in Kind if k not in (Kind.NEWS_CONFIRM, Kind.DATA_EXPORT_READY)]),
    phone=st.sampled_from(["", PHONE]),
    confirmed=st.sampled_from(["", PHONE, "+4915199999999"]),
    opted_out=st.booleans(),
    sms_reminders=st.booleans(),
    sms_booking_messages=st.booleans(),
    timing=st.sampled_from(list(ReminderTiming)),
)
def test_email_and_inbox_always_sms_only_when_chosen_and_confirmed(
    kind, phone, confirmed, opted_out, sms_reminders, sms_booking_messages, timing
):
    prefs = Preferences(
        user=User(phone=phone),
        sms_confirmed_phone=confirmed,
        sms_opted_out_at="2026-01-01T00:00Z" if opted_out else None,
        sms_reminders=sms_reminders,
        sms_booking_messages=sms_booking_messages,
        reminder_timing=timing,
    )

    channels = channels_for(prefs, kind)

    assert Channel.EMAIL in channels and Channel.INBOX in channels
    sms_allowed = bool(phone) and phone == confirmed and not opted_out
    chosen = (kind in (Kind.REMINDER_24H, Kind.REMINDER_1H) and sms_reminders) or (
        kind
        in (
            Kind.BOOKING_CONFIRMED,
            Kind.BOOKING_CANCELLED,
            Kind.BOOKING_MOVED,
            Kind.BOOKING_REFUNDED,
            Kind.PAYMENT_PENDING,
        )
        and sms_booking_messages
    )
    assert (Channel.SMS in channels) == (sms_allowed and chosen)


@given(timing=st.sampled_from(list(ReminderTiming)))
def test_every_timing_keeps_at_least_one_reminder(timing):
    prefs = Preferences(reminder_timing=timing)
    assert prefs.wants_reminder(Kind.REMINDER_24H) or prefs.wants_reminder(Kind.REMINDER_1H)
