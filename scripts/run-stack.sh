#!/usr/bin/env bash
# make run-stack: the distributed mode on one machine. gunicorn, a Celery worker, Celery
# beat and the HL7 ADT listener (MLLP, CUSTODIAN_HL7_BIND) against the local PostgreSQL
# and Redis, in the foreground; Ctrl-C (or any one of them exiting) stops them all. Keys are throwaway ones generated into the data
# directory (CUSTODIAN_DATA_DIR, default var/stack/) for this machine only: a real
# deployment takes them from a secrets manager.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${VENV:-.venv}"
PY="$VENV/bin/python"
STACK_DIR="${CUSTODIAN_DATA_DIR:-var/stack}"
BIND="${STACK_BIND:-127.0.0.1:8000}"

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/custodian_stack}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/1}"
# One cache for every gunicorn worker, so sign-in throttling counts across them.
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/2}"
export CUSTODIAN_DATA_DIR="$STACK_DIR"
export CUSTODIAN_MFA_REQUIRED="${CUSTODIAN_MFA_REQUIRED:-0}"
# Plain HTTP on one machine: said explicitly, since HTTPS is on by default with DEBUG off.
export CUSTODIAN_HTTPS="${CUSTODIAN_HTTPS:-false}"
# Django answers 400 to a Host header it does not know, so unless ALLOWED_HOSTS is given
# it follows STACK_BIND: its host (for every interface, this machine's name and addresses)
# and loopback. A unix socket leaves it to the settings' default.
if [ -z "${ALLOWED_HOSTS:-}" ]; then
  ALLOWED_HOSTS="$("$PY" - "$BIND" <<'PYEOF'
import socket
import sys

bind = sys.argv[1]
if not bind.startswith(("unix:", "fd://")):
    host = bind if bind.endswith("]") or ":" not in bind else bind.rsplit(":", 1)[0]
    names = {"127.0.0.1", "localhost"}
    if host in ("", "0.0.0.0", "[::]"):
        names.add(socket.gethostname())
        try:
            found = socket.getaddrinfo(socket.gethostname(), None)
        except OSError:
            found = []
        names.update(f"[{a}]" if ":" in a else a for a in (f[4][0] for f in found))
    else:
        names.add(host)
    print(",".join(sorted(names)))
PYEOF
)"
  [ -z "$ALLOWED_HOSTS" ] || export ALLOWED_HOSTS
fi

mkdir -p "$STACK_DIR"
chmod 700 "$STACK_DIR"
(
  umask 077
  [ -s "$STACK_DIR/secret_key" ] || "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$STACK_DIR/secret_key"
  [ -s "$STACK_DIR/master.key" ] || "$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' >"$STACK_DIR/master.key"
)
DJANGO_SECRET_KEY="$(cat "$STACK_DIR/secret_key")"
export DJANGO_SECRET_KEY
export CUSTODIAN_MASTER_KEY_FILE="$STACK_DIR/master.key"

# Create the database on first use (the server must already be running).
"$PY" - <<'PYEOF'
import os
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

target = conninfo_to_dict(os.environ["DATABASE_URL"])
name = target.pop("dbname")
with psycopg.connect(**{**target, "dbname": "postgres"}, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"Created database {name}")
PYEOF
"$PY" -c 'import os, redis; redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).ping()' \
  || { echo "Redis is not answering at $CELERY_BROKER_URL" >&2; exit 1; }

"$PY" manage.py migrate --no-input
# The data keys' own database, when one is configured (docs/deployment.md §6).
if [ -n "${CUSTODIAN_KEYS_DATABASE_URL:-}" ]; then
  "$PY" manage.py migrate --no-input --database keys
fi
export CUSTODIAN_STATIC_MANIFEST=true
"$PY" manage.py collectstatic --no-input --verbosity 0
# Demo users with a known password: acceptable only on a machine holding no real data.
"$PY" manage.py seed_demo --force

pids=()
stop_all() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  echo "Stack stopped."
}
trap stop_all INT TERM EXIT

"$VENV/bin/gunicorn" config.wsgi --bind "$BIND" --workers 2 --access-logfile - &
pids+=($!)
"$VENV/bin/celery" -A config worker --loglevel INFO --concurrency 2 &
pids+=($!)
# Exactly one beat per deployment, or every scheduled task runs twice.
"$VENV/bin/celery" -A config beat --loglevel INFO --schedule "$STACK_DIR/celerybeat-schedule" &
pids+=($!)
# The ADT feed from the PAS: point the integration engine at CUSTODIAN_HL7_BIND.
"$PY" manage.py run_hl7_listener &
pids+=($!)

echo "Custodian stack on http://$BIND, ADT feed on ${CUSTODIAN_HL7_BIND:-127.0.0.1:2575} (database $DATABASE_URL, broker $CELERY_BROKER_URL, hosts ${ALLOWED_HOSTS:-default}). Ctrl-C stops it."
wait -n "${pids[@]}"
