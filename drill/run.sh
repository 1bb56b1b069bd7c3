#!/usr/bin/env bash
# make drill: inject faults into a real stack on this machine (PostgreSQL, Redis, an S3
# server over HTTP, gunicorn) and check what was left. Databases are the drill's own
# (DRILL_DATABASE_PREFIX, default custodian_drill; dropped when done); DRILL_REDIS_URL
# picks the Redis database. Arguments select scenarios by name: drill/run.sh restore
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

. scripts/local-postgres.sh
if ! redis-cli -u "${DRILL_REDIS_URL:-redis://127.0.0.1:6379/3}" ping >/dev/null 2>&1; then
  (redis-server --daemonize yes >/dev/null)
  for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done
fi
mkdir -p var/drill
exec "$PY" -m drill "$@"
