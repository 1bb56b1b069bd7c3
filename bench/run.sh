#!/usr/bin/env bash
# make bench: run the benchmarks against a PostgreSQL database of their own
# (custodian_bench, or BENCH_DATABASE_URL), with throwaway keys under var/bench. Figures are printed and
# written to bench/results/latest.json. Arguments select benchmarks by name.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

. scripts/local-postgres.sh
# BENCH_DATABASE_URL picks another database (a small run keeps its own); it is made here
# when it is on the local server and missing.
export DATABASE_URL="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/custodian_bench}"
if [[ "$DATABASE_URL" == postgres://postgres@127.0.0.1:5432/* ]]; then
  DB_NAME="${DATABASE_URL##*/}"
  DB_NAME="${DB_NAME%%\?*}"
  psql -h 127.0.0.1 -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1 \
    || psql -h 127.0.0.1 -U postgres -d postgres -qc "CREATE DATABASE \"$DB_NAME\""
fi

# The benchmarks run in one process (the load test's stack sets its own shared cache).
export CACHE_URL="${CACHE_URL:-locmemcache://custodian-bench}"
export CUSTODIAN_DATA_DIR="$PWD/var/bench"
mkdir -p "$CUSTODIAN_DATA_DIR"
[ -f "$CUSTODIAN_DATA_DIR/bench.key" ] || \
  "$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())' \
  > "$CUSTODIAN_DATA_DIR/bench.key"
export CUSTODIAN_MASTER_KEY_FILE="$CUSTODIAN_DATA_DIR/bench.key"
export DJANGO_SECRET_KEY="bench-only-$(cat "$CUSTODIAN_DATA_DIR/bench.key")"
export CUSTODIAN_MFA_REQUIRED=0
# The benchmark server speaks plain HTTP on this machine.
export CUSTODIAN_HTTPS=false
"$PY" manage.py migrate --no-input -v 0
exec "$PY" -m bench "$@"
