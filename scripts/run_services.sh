#!/usr/bin/env bash
# Plaza on real services: ASGI processes (ports 8000 and 8001), a Celery worker and beat, and
# the live video media server (nginx-rtmp, `manage.py media_server`, docs/live.md "Video").
# Ctrl-C stops all of them. The system tests (tests/system/) start Plaza with this script.
#   WEB_PORTS    ports of the uvicorn processes (default "8000 8001")
#   BEAT_SCHEDULE  beat's schedule file (default /tmp/plaza-celerybeat-schedule)
#   LOG_LEVEL    Celery and uvicorn log level (default INFO)
#   CELERY_WORKER_NAME  the worker's node name (default Celery's celery@<host>)
#   WORKER_NICENESS  the Celery worker's niceness (default 10): on shared cores the requests
#                 of people go first and the listeners after commit wait (docs/scaling.md)
#   MEDIA_SERVER  1 (default) starts the media server, 0 does not (shows then play external
#                 stream URLs only)
#   MEDIA_RTMP_PORT / MEDIA_HTTP_PORT / MEDIA_LISTEN  its RTMP and HTTP ports and address
#                 (default 1935 / 8080 / 127.0.0.1). LIVE_MEDIA_CALLBACK_SECRET is generated
#                 when unset; LIVE_MEDIA_RTMP_URL and LIVE_MEDIA_PUBLIC_URL default to these.
set -euo pipefail
BIN=${BIN:-.venv/bin}
WEB_PORTS=${WEB_PORTS:-8000 8001}
BEAT_SCHEDULE=${BEAT_SCHEDULE:-/tmp/plaza-celerybeat-schedule}
LOG_LEVEL=${LOG_LEVEL:-INFO}
MEDIA_SERVER=${MEDIA_SERVER:-1}
if [ "$MEDIA_SERVER" = 1 ]; then
  MEDIA_RTMP_PORT=${MEDIA_RTMP_PORT:-1935}
  MEDIA_HTTP_PORT=${MEDIA_HTTP_PORT:-8080}
  MEDIA_LISTEN=${MEDIA_LISTEN:-127.0.0.1}
  # Plaza and nginx share the callback secret: generate one for this run when none is set
  LIVE_MEDIA_CALLBACK_SECRET=${LIVE_MEDIA_CALLBACK_SECRET:-$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(32))')}
  export LIVE_MEDIA_CALLBACK_SECRET
  export LIVE_MEDIA_RTMP_URL=${LIVE_MEDIA_RTMP_URL:-rtmp://$MEDIA_LISTEN:$MEDIA_RTMP_PORT/live}
  export LIVE_MEDIA_PUBLIC_URL=${LIVE_MEDIA_PUBLIC_URL:-http://$MEDIA_LISTEN:$MEDIA_HTTP_PORT}
fi
"$BIN/python" manage.py migrate --noinput
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' INT TERM EXIT
for port in $WEB_PORTS; do
  "$BIN/uvicorn" superapp.asgi:application --host 127.0.0.1 --port "$port" \
    --log-level "${LOG_LEVEL,,}" &
  pids+=($!)
done
nice -n "${WORKER_NICENESS:-10}" "$BIN/celery" -A superapp worker --loglevel "$LOG_LEVEL" --concurrency 2 \
  ${CELERY_WORKER_NAME:+--hostname "$CELERY_WORKER_NAME"} &
pids+=($!)
"$BIN/celery" -A superapp beat --loglevel "$LOG_LEVEL" --schedule "$BEAT_SCHEDULE" &
pids+=($!)
if [ "$MEDIA_SERVER" = 1 ]; then
  first_port=${WEB_PORTS%% *}
  "$BIN/python" manage.py media_server --rtmp-port "$MEDIA_RTMP_PORT" \
    --http-port "$MEDIA_HTTP_PORT" --listen "$MEDIA_LISTEN" --plaza-url "http://127.0.0.1:$first_port" &
  pids+=($!)
  echo "==> media server: RTMP $LIVE_MEDIA_RTMP_URL, HLS and replays $LIVE_MEDIA_PUBLIC_URL"
else
  echo "==> no media server (MEDIA_SERVER=0): live shows play external stream URLs only"
fi
echo "==> Plaza on ports $WEB_PORTS, Celery worker and beat running"
wait -n
