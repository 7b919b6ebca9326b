"""Outside services other than PayPal: calendar providers, Twilio (video and SMS), e-mail, and
how the notification worker claims what it sends."""

from sofadoc.settings.environment import DEBUG, env

# --- Calendars (coaching/calendars) ------------------------------------------------------------
# OAuth apps of SofaDoc at Google and Microsoft; empty: those providers show as not configured
# (CalDAV needs nothing here).
GOOGLE_CALENDAR_CLIENT_ID = env("GOOGLE_CALENDAR_CLIENT_ID", default="")
GOOGLE_CALENDAR_CLIENT_SECRET = env("GOOGLE_CALENDAR_CLIENT_SECRET", default="")
MICROSOFT_CALENDAR_CLIENT_ID = env("MICROSOFT_CALENDAR_CLIENT_ID", default="")
MICROSOFT_CALENDAR_CLIENT_SECRET = env("MICROSOFT_CALENDAR_CLIENT_SECRET", default="")
# Seconds before a calendar server counts as not answering (connect, then each read).
CALENDAR_CONNECT_TIMEOUT = env.float("CALENDAR_CONNECT_TIMEOUT", default=5.0)
CALENDAR_READ_TIMEOUT = env.float("CALENDAR_READ_TIMEOUT", default=30.0)
# The server connects to the CalDAV address a coach enters: addresses inside our own network
# are refused, except in development (the demo's local CalDAV server) and tests.
CALDAV_ALLOW_PRIVATE_ADDRESSES = env.bool("CALDAV_ALLOW_PRIVATE_ADDRESSES", default=DEBUG)

# --- Twilio (one account for video and SMS) ---------------------------------------------------
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
TWILIO_API_KEY_SID = env("TWILIO_API_KEY_SID", default="")
TWILIO_API_KEY_SECRET = env("TWILIO_API_KEY_SECRET", default="")
# twin: no Twilio (demo; the join page shows the local preview only); live: real rooms.
TWILIO_VIDEO_MODE = env("TWILIO_VIDEO_MODE", default="live" if TWILIO_API_KEY_SID else "twin")
TWILIO_MEDIA_REGION = env("TWILIO_MEDIA_REGION", default="de1")
TWILIO_EMPTY_ROOM_TIMEOUT_MINUTES = env.int("TWILIO_EMPTY_ROOM_TIMEOUT_MINUTES", default=5)
# Seconds for one REST call. Without it a hung call would hold a join page, or a notification
# worker past its claim (so another worker would send the same SMS again).
TWILIO_HTTP_TIMEOUT = env.float("TWILIO_HTTP_TIMEOUT", default=10.0)
VIDEO_JOIN_EARLY_MINUTES = 10
VIDEO_TOKEN_GRACE_MINUTES = 10

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
if DEBUG and EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # The demo prints e-mails readably, links intact, from the web server and the worker alike.
    EMAIL_BACKEND = "sofadoc.demo_mail.ReadableConsoleBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SofaDoc <service@sofadoc.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Seconds; a hung mail server must not hold a notification worker past its claim (below).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# --- Notifications and SMS (the Twilio account is configured above) ---------------------------
TWILIO_SMS_FROM = env("TWILIO_SMS_FROM", default="")
TWILIO_MESSAGING_SERVICE_SID = env("TWILIO_MESSAGING_SERVICE_SID", default="")
# twilio: send through Twilio; twin: log only (demo, no credentials).
SMS_MODE = env("SMS_MODE", default="twilio" if TWILIO_ACCOUNT_SID else "twin")
# "Payment pending" goes out when a hold has this many minutes left.
PAYMENT_PENDING_NOTICE_MINUTES = env.int("PAYMENT_PENDING_NOTICE_MINUTES", default=5)
# A worker's claim on the messages it is sending: if it stops (crash, SIGKILL, lost machine),
# the next scan after this many seconds sends what it left. A worker hands back whatever it
# has not sent after half of it, so a slow mail server never lets two workers hold one row.
NOTIFICATIONS_CLAIM_SECONDS = env.int("NOTIFICATIONS_CLAIM_SECONDS", default=120)
