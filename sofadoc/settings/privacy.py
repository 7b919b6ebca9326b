"""Privacy and support: the acceptance gate, data exports, research data, Zendesk, web push,
the Google tags that load only after opt-in."""

from sofadoc.settings.environment import env

# --- Privacy --------------------------------------------------------------------------------
# URL namespaces blocked until a signed-in person accepted the current terms/privacy versions.
# Views that wait until a signed-in person has accepted the current terms and privacy policy:
# booking a session and the coach's own practice pages (not browsing, not their bookings).
PRIVACY_ACCEPTANCE_REQUIRED_VIEWS = [
    "bookings:start",
    "practices:*",
    "!practices:directory",
    "!practices:detail",
    "!practices:slots",
]
# Data exports: download link (and file) lifetime.
PRIVACY_EXPORT_DAYS = env.int("PRIVACY_EXPORT_DAYS", default=7)
# Minimum group size in the research dataset (k-anonymity).
PRIVACY_RESEARCH_MIN_GROUP = env.int("PRIVACY_RESEARCH_MIN_GROUP", default=10)
# Zendesk ticket API; without a subdomain support requests are e-mailed to SUPPORT_EMAIL.
ZENDESK_SUBDOMAIN = env("ZENDESK_SUBDOMAIN", default="")
ZENDESK_EMAIL = env("ZENDESK_EMAIL", default="")
ZENDESK_API_TOKEN = env("ZENDESK_API_TOKEN", default="")
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="service@sofadoc.com")
# Web push (policy § 7): a VAPID key pair (`manage.py webpush_keys` makes one); unset = no push.
WEBPUSH_VAPID_PUBLIC_KEY = env("WEBPUSH_VAPID_PUBLIC_KEY", default="")
WEBPUSH_VAPID_PRIVATE_KEY = env("WEBPUSH_VAPID_PRIVATE_KEY", default="")
WEBPUSH_CONTACT = env("WEBPUSH_CONTACT", default=SUPPORT_EMAIL)
# Push services beyond the browser vendors' (host suffix -> name); tests and development only.
WEBPUSH_EXTRA_SERVICES: dict[str, str] = {}
# Staff alerts about data-subject requests nearing their deadline (request register).
PRIVACY_REQUESTS_EMAIL = env("PRIVACY_REQUESTS_EMAIL", default=SUPPORT_EMAIL)
# Google tags, rendered only for visitors who opted in; empty means no tag at all.
PRIVACY_GA_MEASUREMENT_ID = env("PRIVACY_GA_MEASUREMENT_ID", default="")
PRIVACY_GOOGLE_ADS_ID = env("PRIVACY_GOOGLE_ADS_ID", default="")
# The conversion label of a completed signup in Google Ads (sent only with marketing consent).
PRIVACY_GOOGLE_ADS_SIGNUP_LABEL = env("PRIVACY_GOOGLE_ADS_SIGNUP_LABEL", default="")
