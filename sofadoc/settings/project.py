"""The Django project itself: apps, middleware, templates, languages and time zones, static
files, uploads and private files, logging."""

from django.utils.translation import gettext_lazy as _

from sofadoc.settings.environment import BASE_DIR, DEBUG, VAR_DIR, env

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
            else "sofadoc.staticfiles.StaticFilesStorage"
        )
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
