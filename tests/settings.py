"""Test settings: the project's settings with the local PostgreSQL and Redis as defaults.

Environment variables still win, so CI or a developer can point tests elsewhere.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sofadoc")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault(
    "DJANGO_SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
# PayPal's real SDK code paths, against its sandbox host, faked at the HTTP level by `responses`.
os.environ.setdefault("PAYPAL_MODE", "sandbox")
os.environ.setdefault("PAYPAL_CLIENT_ID", "test-client-id")
os.environ.setdefault("PAYPAL_CLIENT_SECRET", "test-client-secret")
os.environ.setdefault("PAYPAL_WEBHOOK_ID", "WH-TEST-0001")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")

from sofadoc.settings import *  # noqa: F403

# Fast hashing: the suite creates many users; password hashing strength is not under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
# Serve static files from the app folders, as in development; no collectstatic before tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
CALDAV_ALLOW_PRIVATE_ADDRESSES = True  # the tests run their own CalDAV server on 127.0.0.1
