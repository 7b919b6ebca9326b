"""Where the project is and how it is configured: paths, the environment, debug mode, the secret
key and what is derived from it, the hosts we answer for. Every other settings module reads the
environment through `env` from here (the `.env` file is read once, before any of them)."""

import base64
import hashlib
import sys
from pathlib import Path

import environ

# sofadoc/settings/environment.py → the repository's root.
BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Commands that only compare the models with their migrations sign and encrypt nothing, so a
# fresh checkout can run `manage.py makemigrations --check` without any configuration.
_KEYLESS_COMMANDS = {"makemigrations"}
_keyless = (
    len(sys.argv) > 1
    and Path(sys.argv[0]).name == "manage.py"
    and (sys.argv[1] in _KEYLESS_COMMANDS)
)

# Outside debug mode (and those commands) a missing key is fatal: env() raises
# ImproperlyConfigured naming it.
SECRET_KEY = (
    env("DJANGO_SECRET_KEY", default="django-insecure-demo-only-key-never-use-in-production")
    if DEBUG or _keyless
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
