"""SofaDoc settings: one module, every knob from the environment.

Defaults are for the zero-setup demo (SQLite, console e-mail, filesystem broker). Production
sets DJANGO_DEBUG=0 (the default) and must provide DJANGO_SECRET_KEY; every variable is
documented in `.env.example` and the README.
"""

import base64
import hashlib
from decimal import Decimal
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Outside debug mode a missing key is fatal: env() raises ImproperlyConfigured naming it.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY", default="django-insecure-demo-only-key-never-use-in-production")
    if DEBUG
    else env("DJANGO_SECRET_KEY")
)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Public base URL (scheme + host) used for links in e-mails and for webhook signatures
# behind a proxy, where the request's own host is the internal one.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Fernet keys for values encrypted at rest (sofadoc/crypto.py), newest first; rotating is
# described there. Unset, one key is derived from the secret key (so the demo needs nothing),
# and `check --deploy` warns: production sets its own, so changing the secret key loses nothing.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_ENCRYPTION_KEYS_DERIVED = not FIELD_ENCRYPTION_KEYS
if FIELD_ENCRYPTION_KEYS_DERIVED:
    FIELD_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"sofadoc.crypto:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]

INSTALLED_APPS = [
    "sofadoc.apps.SofaDocAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "sofadoc.accounts",
    "coaching.practices",
    "coaching.payments",
    "coaching.bookings",
    "coaching.video",
    "coaching.billing",
    "coaching.intake",
    "coaching.calendars",
    "coaching.clients",
    "coaching.packages",
    "privacy",
    "coaching.notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sofadoc.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # One round trip to Redis for what a signed-in person's pages read there (sofadoc/prefetch.py).
    "sofadoc.prefetch.PrefetchMiddleware",
    "sofadoc.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Inside the header middlewares above, so its 400 carries their headers too.
    "sofadoc.middleware.RejectNulMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "privacy.middleware.ConsentGateMiddleware",
    # After CSPMiddleware: its response hook must run before CSP builds the header.
    "privacy.middleware.CookieConsentMiddleware",
]

ROOT_URLCONF = "sofadoc.urls"
WSGI_APPLICATION = "sofadoc.wsgi.application"
ASGI_APPLICATION = "sofadoc.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "privacy.context_processors.cookie_consent",
                "coaching.notifications.context_processors.unread_messages",
                "coaching.clients.context_processors.unread_client_messages",
            ],
            # Project-wide filters ({% load sofadoc %}); the project package is not an app.
            "libraries": {
                "sofadoc": "sofadoc.template_filters",
                "fragments": "sofadoc.fragments",
            },
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # psycopg 3 connection pool (Django >= 5.1); persistent connections must then stay off.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN", default=1),
        "max_size": env.int("DATABASE_POOL_MAX", default=10),
        # How long a request waits for a connection. While PostgreSQL is down the pool cannot
        # make one, so this is how soon such a request fails (with the 500 page).
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=3.0),
    }
    import psycopg_pool.base

    # The pool retries a lost server with exponential backoff (1, 2, 4, 8, 16 s...): after a
    # 20 s outage its next attempt could come 16 s after PostgreSQL is back, and requests would
    # fail until then. A steady second between attempts reconnects within a second.
    psycopg_pool.base.AttemptWithBackoff.DELAY_BACKOFF = 1.0
    # With the pool, Django 5.2 turns this into the pool's `check=ConnectionPool.check_connection`:
    # one round trip before a pooled connection is handed out. After PostgreSQL restarts every
    # idle connection is dead, and without the check each would fail one request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 3)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo's worker and web server share the file: wait for locks, take them up front.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and broker ----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
# Short socket timeouts: a Redis that hangs must not hang page views or /healthz.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.5)
# After Redis fails, each process treats it as down for this many seconds (cache and broker
# calls give up at once) before trying it again: an outage costs a request no time.
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=2.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, keeping one redis client per pool (sofadoc/cache.py).
            "BACKEND": "sofadoc.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "sofadoc",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------------
# Without Redis the demo uses kombu's filesystem transport, which needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        # Without it kombu writes its exchange tables to ./control in the working directory.
        "control_folder": str(VAR_DIR / "broker" / "control"),
        "store_processed": False,
    }
    if CELERY_BROKER_URL.startswith("filesystem://")
    else {"socket_connect_timeout": REDIS_TIMEOUT * 4, "socket_timeout": 5}
)
# Connect and publish timeout of an enqueue from a request (sofadoc/queue.py): one attempt, no
# retry; the scans send what did not get through.
BROKER_PUBLISH_TIMEOUT = env.float("BROKER_PUBLISH_TIMEOUT", default=0.5)
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Tasks are idempotent, so acknowledging late and re-queueing on worker loss is safe and means
# a killed worker loses nothing.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The periodic scans, in code; each entry names a task by its registered name.
CELERY_BEAT_SCHEDULE = {
    "purge-unverified-accounts": {
        "task": "accounts.purge_unverified_accounts",
        "schedule": 60 * 60,
    },
    "settle-video-attendance": {"task": "video.settle_attendance", "schedule": 5 * 60},
    "expire-booking-holds": {"task": "bookings.expire_holds", "schedule": 60},
    # Unused package sessions expire, or are refunded pro rata, by the package's rule.
    "expire-packages": {"task": "packages.expire_packages", "schedule": 60 * 60},
    "reconcile-paypal-orders": {"task": "payments.reconcile_open_orders", "schedule": 5 * 60},
    "send-due-notifications": {"task": "notifications.send_due_reminders", "schedule": 60},
    # After PayPal's reporting delay (up to 3 h) for yesterday has passed.
    "reconcile-paypal-ledger": {
        "task": "payments.reconcile_yesterday",
        "schedule": crontab(hour=4, minute=30),
    },
    # Monday mornings; every hour until the evening, so a beat that was down at 07:00 catches
    # up. Each coach gets the nudge once per ISO week all the same (its key is the week).
    "calendar-upkeep-nudges": {
        "task": "notifications.calendar_nudges",
        "schedule": crontab(day_of_week="mon", hour="7-18", minute=0),
    },
    "refresh-booked-out-practices": {
        "task": "practices.refresh_booked_out",
        "schedule": 60,
    },
    # Questionnaire or agreement still open 48 h before a session (once per booking).
    "intake-remind-open": {"task": "intake.remind_open", "schedule": 15 * 60},
    "expire-data-exports": {
        "task": "privacy.expire_data_exports",
        "schedule": 60 * 60,
    },
    # Exports and erasures whose task Redis lost (the queue needs no backup).
    "resume-stalled-privacy-jobs": {
        "task": "privacy.resume_stalled_jobs",
        "schedule": 10 * 60,
    },
    # Receipts whose announcement was lost (a listener failed, the process died after commit).
    "issue-missing-documents": {"task": "billing.issue_missing_documents", "schedule": 10 * 60},
    # Last month's fee invoices on the 1st, hourly until noon so a beat that was down catches up
    # (one invoice per coach and month all the same: a unique constraint).
    "issue-fee-invoices": {
        "task": "billing.issue_fee_invoices",
        "schedule": crontab(day_of_month="1", hour="1-12", minute=15),
    },
    # Documents whose legal retention period (8 years after the year of issue) has ended.
    "purge-expired-documents": {
        "task": "billing.purge_expired_documents",
        "schedule": crontab(hour=3, minute=40),
    },
    # Deletions at Zendesk and Twilio that failed (or whose task was lost) are tried again.
    "retry-processor-erasures": {
        "task": "privacy.retry_processor_erasures",
        "schedule": 5 * 60,
    },
    # Hourly so a beat that was down catches up; each alert goes once (marked on the row).
    "data-request-deadlines": {
        "task": "privacy.data_requests_alert",
        "schedule": 60 * 60,
    },
    "retention-schedule": {
        "task": "privacy.retention_enforce",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every minute a share of the calendar connections that are due (each every 5 minutes).
    "sync-calendars": {"task": "calendars.sync_due", "schedule": 60},
    # Bookings whose calendar write-back failed (backoff passed) or whose task was lost.
    "retry-calendar-write-backs": {"task": "calendars.retry_write_backs", "schedule": 60},
    # Hourly; each task's reminder goes once per due date (the notification's unique key).
    "remind-due-client-tasks": {"task": "clients.remind_due_tasks", "schedule": 60 * 60},
    # Ended coach-client relationships whose keep period is over.
    "purge-ended-relationships": {
        "task": "clients.purge_ended_relationships",
        "schedule": crontab(hour=3, minute=50),
    },
}

# --- Accounts and authentication ------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "sofadoc.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "sofadoc.accounts.forms.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SofaDoc] "
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's rate limits stay on (its defaults); they live in the shared cache (Redis).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Security notices (password or e-mail changed, two-factor switched on or off): service messages
# that cannot be switched off, as the notification settings page and the privacy policy say.
ACCOUNT_EMAIL_NOTIFICATIONS = True
MFA_TOTP_ISSUER = "SofaDoc"
# Number of reverse proxies in front of the app, so rate limits see the client's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Accounts that never confirm their address are removed (data minimisation).
UNVERIFIED_ACCOUNT_RETENTION_DAYS = env.int("UNVERIFIED_ACCOUNT_RETENTION_DAYS", default=7)

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

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
# Our own strings first; then formal ("Sie") overrides of allauth's informal German.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
USE_I18N = True
USE_TZ = True
# Stored datetimes are UTC; this is only the display zone when nothing better is known.
TIME_ZONE = "Europe/Berlin"
DEFAULT_VIEWER_TIME_ZONE = "Europe/Berlin"
TIME_ZONE_COOKIE_NAME = "sofadoc_tz"
# Django's default lets the language cookie die with the browser; the cookie list says a year.
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site root (/favicon.ico, /manifest.webmanifest).
WHITENOISE_ROOT = BASE_DIR / "public"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads (coach photos) go to local media in the demo; in production to S3 in the EU when a
# bucket is configured (the privacy policy names AWS in the EU as the hosting processor).
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default="eu-central-1")
AWS_DEFAULT_ACL = None  # objects inherit the bucket's (private) policy
AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=False)
AWS_S3_FILE_OVERWRITE = False
# Data exports in a bucket of their own (private, EU region above); else PRIVATE_STORAGE_ROOT.
PRIVATE_STORAGE_BUCKET_NAME = env("PRIVATE_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "django.core.files.storage.FileSystemStorage"
    },
    # Data exports and other files that must never be served publicly (not under MEDIA_ROOT).
    # Web (download) and worker (build) both reach them: with more than one machine, a bucket
    # of its own or a shared filesystem. The app streams them itself; no public or signed URL.
    "private": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": PRIVATE_STORAGE_BUCKET_NAME,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        }
        if PRIVATE_STORAGE_BUCKET_NAME
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {
                "location": str(env.path("PRIVATE_STORAGE_ROOT", default=VAR_DIR / "private"))
            },
        }
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

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

# --- Bookings and PayPal ----------------------------------------------------------------------
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=15)
PAYPAL_CLIENT_ID = env("PAYPAL_CLIENT_ID", default="")
PAYPAL_CLIENT_SECRET = env("PAYPAL_CLIENT_SECRET", default="")
PAYPAL_WEBHOOK_ID = env("PAYPAL_WEBHOOK_ID", default="")
# twin: the local stand-in (demo, no credentials); sandbox / live: PayPal's REST API.
PAYPAL_MODE = env("PAYPAL_MODE", default="sandbox" if PAYPAL_CLIENT_ID else "twin")
# The twin takes no money; outside DEBUG it runs only when explicitly allowed (staging demos).
PAYPAL_TWIN_ALLOWED = env.bool("PAYPAL_TWIN_ALLOWED", default=False)
# Our PayPal partner attribution id (BN code), sent with every order and capture.
PAYPAL_PARTNER_ATTRIBUTION_ID = env("PAYPAL_PARTNER_ATTRIBUTION_ID", default="")
# SofaDoc's fee per payment: percent of the price plus a fixed amount (staff override per
# practice in the admin, "Fee overrides"). Decided when the client goes to pay.
PAYMENTS_FEE_PERCENT = Decimal(env("PAYMENTS_FEE_PERCENT", default="5.00"))
PAYMENTS_FEE_FIXED = Decimal(env("PAYMENTS_FEE_FIXED", default="0.00"))
# SofaDoc's own merchant id as PayPal partner: merchant-integration status is read under it.
PAYPAL_PARTNER_MERCHANT_ID = env("PAYPAL_PARTNER_MERCHANT_ID", default="")

# --- Billing (documents; SofaDoc as the issuer of its monthly fee invoices) -------------------
BILLING_ISSUER_NAME = env("BILLING_ISSUER_NAME", default="SofaDoc GmbH")
BILLING_ISSUER_ADDRESS = env(
    "BILLING_ISSUER_ADDRESS", default="Musterstraße 12\n10115 Berlin\nDeutschland"
).replace("\\n", "\n")
BILLING_ISSUER_VAT_ID = env("BILLING_ISSUER_VAT_ID", default="DE000000000")
BILLING_ISSUER_TAX_NUMBER = env("BILLING_ISSUER_TAX_NUMBER", default="30/000/00000")
BILLING_ISSUER_EMAIL = env("BILLING_ISSUER_EMAIL", default="rechnung@sofadoc.com")

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

# --- Security -------------------------------------------------------------------------------
# Sessions are read from Redis and kept in PostgreSQL (sofadoc/sessions.py: survives Redis down).
SESSION_ENGINE = "sofadoc.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# In production every cookie is HTTPS-only and HSTS is on; the demo runs on plain http.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
if env.bool("DJANGO_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# /healthz answers plain http probes from the load balancer.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Browser features per origin ("self" = our own pages only; empty = nobody). Camera and
# microphone are for the video join page; everything else no page uses.
PERMISSIONS_POLICY = {
    "camera": ["self"],
    "microphone": ["self"],
    "autoplay": ["self"],
    "fullscreen": ["self"],
    "display-capture": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "accelerometer": [],
    "gyroscope": [],
    "magnetometer": [],
}

# Content Security Policy: everything self-hosted, no inline script. Later features widen
# script-src/connect-src only for what the visitor opted into (see privacy/cookies).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'", "blob:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "sofadoc.logging.RedactPersonalData"}},
    "formatters": {"logfmt": {"()": "sofadoc.logging.LogfmtFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "logfmt",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
    },
}
