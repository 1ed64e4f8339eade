#!/bin/sh
# Regenerates the web app's API types from the server's OpenAPI schema (`make web-types`), or with
# --check fails when the committed ones differ (`make test`), like `makemigrations --check`.
set -eu
BIN=${BIN:-.venv/bin}
APP=$(pwd)/web/app/src/api
OUT=$APP
if [ "${1:-}" = "--check" ]; then
  OUT=$(mktemp -d)
  trap 'rm -rf "$OUT"' EXIT
fi
env -u REDIS_URL DATABASE_URL=sqlite://:memory: "$BIN/python" manage.py spectacular --validate --fail-on-warn \
  --file "$OUT/openapi.yaml" >/dev/null
(cd web/app && npx openapi-typescript "$OUT/openapi.yaml" --default-non-nullable false \
  -o "$OUT/schema.d.ts" >/dev/null 2>&1)
if [ "${1:-}" = "--check" ]; then
  if ! diff -q "$APP/openapi.yaml" "$OUT/openapi.yaml" >/dev/null \
    || ! diff -q "$APP/schema.d.ts" "$OUT/schema.d.ts" >/dev/null; then
    echo "web-types: the committed API types differ from the server's schema; run 'make web-types' and commit" >&2
    diff -u "$APP/openapi.yaml" "$OUT/openapi.yaml" | head -40 >&2 || true
    exit 1
  fi
  echo "web-types: the committed API types match the server's schema"
else
  echo "web-types: wrote $APP/openapi.yaml and $APP/schema.d.ts"
fi
