#!/usr/bin/env bash
# Plaza on real services: ASGI processes (ports 8000 and 8001), a Celery worker and beat.
# Ctrl-C stops all of them. The system tests (tests/system/) start Plaza with this script.
#   WEB_PORTS    ports of the uvicorn processes (default "8000 8001")
#   BEAT_SCHEDULE  beat's schedule file (default /tmp/plaza-celerybeat-schedule)
#   LOG_LEVEL    Celery and uvicorn log level (default INFO)
#   CELERY_WORKER_NAME  the worker's node name (default Celery's celery@<host>)
set -euo pipefail
BIN=${BIN:-.venv/bin}
WEB_PORTS=${WEB_PORTS:-8000 8001}
BEAT_SCHEDULE=${BEAT_SCHEDULE:-/tmp/plaza-celerybeat-schedule}
LOG_LEVEL=${LOG_LEVEL:-INFO}
"$BIN/python" manage.py migrate --noinput
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for port in $WEB_PORTS; do
  "$BIN/uvicorn" superapp.asgi:application --host 127.0.0.1 --port "$port" \
    --log-level "${LOG_LEVEL,,}" &
  pids+=($!)
done
"$BIN/celery" -A superapp worker --loglevel "$LOG_LEVEL" --concurrency 2 \
  ${CELERY_WORKER_NAME:+--hostname "$CELERY_WORKER_NAME"} &
pids+=($!)
"$BIN/celery" -A superapp beat --loglevel "$LOG_LEVEL" --schedule "$BEAT_SCHEDULE" &
pids+=($!)
echo "==> Plaza on ports $WEB_PORTS, Celery worker and beat running"
wait -n
