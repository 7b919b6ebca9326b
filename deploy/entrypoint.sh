#!/bin/sh
# One image, four roles. The first argument picks one (default: web):
#   web      gunicorn with deploy/gunicorn.conf.py (stateless; run as many as needed)
#   worker   a Celery worker (stateless; run as many as needed)
#   beat     Celery beat, the periodic scans (exactly ONE in the whole deployment)
#   release  before the new version takes traffic: deploy checks and migrations (one-shot)
#   manage   any manage.py command, e.g. `manage createsuperuser`
# Anything else runs as given (e.g. `sh`).
set -eu
cd /app

role=${1:-web}
[ $# -gt 0 ] && shift

case "$role" in
  web)
    exec gunicorn -c deploy/gunicorn.conf.py sofadoc.wsgi "$@"
    ;;
  worker)
    # The node name must be unique per container: celery@<container hostname>.
    exec celery -A sofadoc worker --loglevel="${CELERY_LOG_LEVEL:-INFO}" \
      --concurrency="${CELERY_CONCURRENCY:-2}" -n "celery@${HOSTNAME:-$(hostname)}" "$@"
    ;;
  beat)
    exec celery -A sofadoc beat --loglevel="${CELERY_LOG_LEVEL:-INFO}" \
      --schedule=/app/var/celerybeat-schedule "$@"
    ;;
  release)
    # Refuse to release a configuration that `check --deploy` warns about (HSTS, cookies, key).
    python manage.py check --deploy --fail-level "${RELEASE_CHECK_FAIL_LEVEL:-WARNING}"
    python manage.py migrate --no-input
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
