#!/usr/bin/env bash
# Plaza on real services: two ASGI processes (ports 8000 and 8001), a Celery worker and beat.
# Ctrl-C stops all of them.
set -euo pipefail
BIN=${BIN:-.venv/bin}
"$BIN/python" manage.py migrate --noinput
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for port in 8000 8001; do
  "$BIN/uvicorn" superapp.asgi:application --host 127.0.0.1 --port "$port" &
  pids+=($!)
done
"$BIN/celery" -A superapp worker --loglevel INFO --concurrency 2 &
pids+=($!)
"$BIN/celery" -A superapp beat --loglevel INFO --schedule /tmp/plaza-celerybeat-schedule &
pids+=($!)
echo "==> Plaza on http://127.0.0.1:8000 and http://127.0.0.1:8001, Celery worker and beat running"
wait -n
