"""Gunicorn settings for production (`gunicorn -c deploy/gunicorn.conf.py sofadoc.wsgi`).

Every value can be overridden from the environment so one image serves small and large hosts.
The web tier keeps no state of its own (sessions, cache and rate limits live in PostgreSQL and
Redis), so more processes or more machines behind the load balancer simply add capacity.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Synchronous workers: the views are short and database-bound; one process per core plus one
# keeps the cores busy while a worker waits for PostgreSQL, without threads sharing a connection.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# Slow PayPal or Twilio calls are bounded by their own client timeouts (< 30 s).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 25
keepalive = 5
# Recycle workers now and then so a slow leak can never take a node down; the jitter keeps
# them from restarting all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The application is loaded before forking: less memory per worker and a failed import stops the
# release at once instead of in every worker. Connections are opened after the fork (Django does
# that lazily), so no socket is shared between workers.
preload_app = True


def when_ready(server):
    """In the master, after the application is loaded and before any worker is forked."""
    from sofadoc.warmup import warm_up

    warm_up()


# The load balancer in front terminates TLS; trust its X-Forwarded-* headers only from there.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client addresses are personal data: the access log records method, path, status and timing only.
access_log_format = '"%(r)s" %(s)s %(b)s %(M)sms'
# /tmp may be disk-backed in containers; heartbeat files belong in memory. (gunicorn creates
# them with mkstemp and unlinks them at once, so a shared directory is safe here.)
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get(
    "GUNICORN_WORKER_TMP_DIR", SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
)
# gunicorn >= 25 opens a control socket for `gunicornc` at $HOME/.gunicorn/gunicorn.ctl. The
# orchestrator manages these processes; in the image $HOME is read-only, and several masters on
# one host would share that path (each deletes it when it stops). Off unless a path is given.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
