"""The backing services: PostgreSQL (with its connection pool), Redis as cache, and Celery's
broker (Redis, or kombu's filesystem transport in the demo). The periodic scans are in beat.py."""

from sofadoc.settings.environment import VAR_DIR, env

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
