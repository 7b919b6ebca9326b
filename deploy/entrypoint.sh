#!/bin/sh
# One image, four roles. The first argument picks one (default: web):
#   web      gunicorn with deploy/gunicorn.conf.py (stateless; run as many as needed)
#   worker   a Celery worker (stateless; run as many as needed)
#   beat     Celery beat, the periodic scans (exactly ONE in the whole deployment)
#   release  before the new version takes traffic: deploy checks and migrations (one-shot)
#   manage   any manage.py command, e.g. `manage createsuperuser`
# Anything else runs as given (e.g. `sh`).
# Outside a container (scripts/prod-smoke.sh) it works the same with the virtualenv on PATH.
set -eu
cd "$(dirname "$0")/.."

role=${1:-web}
if [ $# -gt 0 ]; then shift; fi

case "$role" in
  web)
    exec gunicorn -c deploy/gunicorn.conf.py sofadoc.wsgi "$@"
    ;;
  worker)
    # The node name must be unique per container: celery@<container hostname> (%h), which is
    # what the health check pings.
    exec celery -A sofadoc worker --loglevel="${CELERY_LOG_LEVEL:-INFO}" \
      --concurrency="${CELERY_CONCURRENCY:-2}" -n "${CELERY_NODE_NAME:-celery@%h}" "$@"
    ;;
  beat)
    # The schedule file is rewritten while beat ticks: the container health check reads its age.
    exec celery -A sofadoc beat --loglevel="${CELERY_LOG_LEVEL:-INFO}" \
      --schedule="${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}" "$@"
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
