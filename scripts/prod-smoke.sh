#!/usr/bin/env bash
# Production smoke test without containers: the production shape (gunicorn with
# deploy/gunicorn.conf.py and DJANGO_DEBUG=0, one Celery worker, Celery beat) on the local
# PostgreSQL and Redis, then scripts/smoke_booking.py books and pays a session over HTTP and
# waits for the worker to deliver the confirmation. Everything started here is stopped again.
#
# Its own database (dropped and created again) and Redis db; override with
#   SMOKE_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sofadoc_smoke)
#   SMOKE_REDIS_URL    (default redis://127.0.0.1:6379/15)
#   SMOKE_PORT         (default: a free port on 127.0.0.1)
# SMOKE_KEEP=1 keeps the logs and mails of a passing run too.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
started_at=$SECONDS

database_url=${SMOKE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sofadoc_smoke}
redis_url=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/15}
port=${SMOKE_PORT:-$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
work=$(mktemp -d "${TMPDIR:-/tmp}/sofadoc-smoke.XXXXXX")
mkdir -p "$work/mail" "$work/media" "$work/private"

# --- Production configuration: only what a real deployment would set ---------------------------
# Nothing from the caller's shell may leak in (a DJANGO_DEBUG=1, another broker).
unset CELERY_BROKER_URL PAYPAL_CLIENT_ID PAYPAL_CLIENT_SECRET TWILIO_ACCOUNT_SID TWILIO_API_KEY_SID \
  DJANGO_SECURE_SSL_REDIRECT DJANGO_SECURE_COOKIES DJANGO_HSTS_SECONDS DJANGO_CSRF_TRUSTED_ORIGINS \
  AWS_STORAGE_BUCKET_NAME PRIVATE_STORAGE_BUCKET_NAME
export DJANGO_DEBUG=0
DJANGO_SECRET_KEY=$($BIN/python -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_SECRET_KEY
FIELD_ENCRYPTION_KEYS=$($BIN/python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")
export FIELD_ENCRYPTION_KEYS
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export SITE_URL="https://127.0.0.1:$port"
# The load balancer terminates TLS; the driver plays it (X-Forwarded-Proto: https). SSL
# redirect, secure cookies and HSTS stay at their production defaults (on).
export DJANGO_BEHIND_PROXY=1
export DATABASE_URL=$database_url
export REDIS_URL=$redis_url
# Django's file backend, one file per connection; an absolute path needs four slashes.
export EMAIL_URL="filemail:///$work/mail"
export DJANGO_MEDIA_ROOT=$work/media
export PRIVATE_STORAGE_ROOT=$work/private
# The sandbox twins: no PayPal, Twilio or SMS provider is reached.
export PAYPAL_MODE=twin PAYPAL_TWIN_ALLOWED=1 SMS_MODE=twin TWILIO_VIDEO_MODE=twin
export GUNICORN_BIND="127.0.0.1:$port" WEB_CONCURRENCY=2 GUNICORN_ACCESS_LOG="$work/access.log"

pids=()
ok=0
show_logs() {
  for log in "$work"/*.log; do
    [[ -s $log ]] || continue
    echo "----- ${log##*/} (last 80 lines) -----" >&2
    tail -n 80 "$log" >&2
  done
}
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if ((ok)) && [[ -z ${SMOKE_KEEP:-} ]]; then
    rm -rf "$work"
  elif ((ok)); then
    echo "smoke: logs kept in $work"
  else
    show_logs
    echo "smoke: FAILED after $((SECONDS - started_at)) s (files kept in $work)" >&2
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "smoke: FAILED: $*" >&2
  exit 1
}
# Each server runs in a process group of its own, so stopping it stops its children too.
start() {
  local name=$1
  shift
  setsid "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
}
alive() { kill -0 "$1" 2>/dev/null; }

# --- Release: database, migrations, static files, demo data ----------------------------------
echo "smoke: database ${database_url##*/}, redis ${redis_url}, port $port"
server_url="${database_url%/*}/postgres"
db_name="${database_url##*/}"
psql -q -v ON_ERROR_STOP=1 "$server_url" \
  -c "DROP DATABASE IF EXISTS \"$db_name\" WITH (FORCE)" -c "CREATE DATABASE \"$db_name\"" \
  >/dev/null || fail "cannot recreate database $db_name on ${server_url%/*}"
redis-cli -u "$redis_url" flushdb >/dev/null || fail "Redis at $redis_url is not reachable"

# The image's entrypoint runs every role here too, with the virtualenv on PATH.
export PATH="$PWD/$BIN:$PATH"
role() { deploy/entrypoint.sh "$@"; }
# The release role (check --deploy at WARNING level, migrate); static files and translations
# are baked into the image at build time, here they are made beside it; then the demo data.
role release >"$work/release.log" 2>&1 || fail "release (check --deploy, migrate) failed"
role manage collectstatic --no-input -v 0 >>"$work/release.log" 2>&1 ||
  fail "collectstatic failed"
role manage seed_demo >>"$work/release.log" 2>&1 || fail "seed_demo failed"
echo "smoke: released (check --deploy, migrate, collectstatic, seed_demo) in $((SECONDS - started_at)) s"

# --- The production processes -----------------------------------------------------------------
CELERY_NODE_NAME="smoke-$$@$(hostname)"
export CELERY_NODE_NAME CELERY_CONCURRENCY=2
export CELERY_BEAT_SCHEDULE_FILE="$work/celerybeat-schedule"
start gunicorn deploy/entrypoint.sh web
gunicorn_pid=${pids[-1]}
start worker deploy/entrypoint.sh worker
worker_pid=${pids[-1]}
start beat deploy/entrypoint.sh beat
beat_pid=${pids[-1]}

# The web container's health check (GET /healthz) tells when gunicorn serves.
for _ in $(seq 60); do
  alive "$gunicorn_pid" || fail "gunicorn exited"
  $BIN/python deploy/healthcheck.py 2>/dev/null && break
  sleep 0.5
done
$BIN/python deploy/healthcheck.py || fail "gunicorn did not become healthy"
# The container health check of the worker, used here to wait until it takes tasks.
for _ in $(seq 15); do
  alive "$worker_pid" || fail "the Celery worker exited"
  celery -A sofadoc inspect ping -d "$CELERY_NODE_NAME" --timeout 2 >/dev/null 2>&1 && break
  sleep 1
done
celery -A sofadoc inspect ping -d "$CELERY_NODE_NAME" --timeout 2 >/dev/null 2>&1 ||
  fail "the Celery worker does not answer ping"
alive "$beat_pid" || fail "Celery beat exited"
# Beat's container health check: its schedule file is fresh.
[[ -n $(find "$work" -name 'celerybeat-schedule*' -mmin -10) ]] ||
  fail "Celery beat wrote no schedule file"
echo "smoke: gunicorn, worker and beat up and healthy after $((SECONDS - started_at)) s"

# --- The journey --------------------------------------------------------------------------------
$BIN/python scripts/smoke_booking.py "http://127.0.0.1:$port" "$work/mail" || exit 1
for pid in "$gunicorn_pid" "$worker_pid" "$beat_pid"; do
  alive "$pid" || fail "a server process died during the run"
done
grep -q "beat: Starting" "$work/beat.log" || fail "Celery beat did not start its schedule"
if grep -E '" 5[0-9][0-9] ' "$work/access.log"; then
  fail "gunicorn answered with a server error (above)"
fi
ok=1
echo "smoke: passed in $((SECONDS - started_at)) s"
