#!/usr/bin/env bash
# The demo site: web server plus one Celery worker with embedded beat. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG="${DJANGO_DEBUG:-1}"
mkdir -p var
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
.venv/bin/celery -A sofadoc worker --beat --concurrency=1 --loglevel=INFO \
  --schedule=var/celerybeat-schedule &
pids+=($!)
# The coaches' calendar server for the calendar sync demo (CalDAV on 127.0.0.1:5232, demo/demo).
.venv/bin/python manage.py demo_caldav &
pids+=($!)
echo "SofaDoc demo on http://127.0.0.1:8000  (Ctrl-C stops web server, worker and beat)"
.venv/bin/python manage.py runserver 127.0.0.1:8000 &
pids+=($!)
wait -n "${pids[@]}"
