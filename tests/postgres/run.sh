#!/usr/bin/env bash
# The PostgreSQL suites against a real server: the store conformance suite over all three stores, the
# PostgreSQL-specific tests, the multi-process races and the restart fault, in a throwaway cluster made
# by pg_virtualenv (postgresql-common; works as root, picks a free port, removed afterwards).
#
# Installs PostgreSQL from Debian when it is missing. Without a server (no apt, no root) it says clearly
# that the PostgreSQL tests were SKIPPED and succeeds; under CI=true that is a failure.
#
#   AUTHWARD_PG_RACE_TRIALS   trials of the one-code race (default 500, as in CI)
#   AUTHWARD_PG_RACE_SLOT_MS  time slot per trial (default 40)
set -euo pipefail
cd "$(dirname "$0")/../.."
CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export CARGO_BUILD_TARGET
export AUTHWARD_PG_RACE_TRIALS="${AUTHWARD_PG_RACE_TRIALS:-500}"
SUITES=(--test store_conformance --test postgres_store --test postgres_challenge_cache --test postgres_races --test postgres_faults --test devices
    --test admin_view --test service)
PROFILE=(--release)

if [ "${1:-}" = "--inside" ]; then
    # Inside pg_virtualenv: PG* describe the cluster; the postgres crate ignores them, so build the URL.
    shift
    export AUTHWARD_TEST_POSTGRES_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-localhost}:${PGPORT}/${PGDATABASE:-postgres}"
    cluster=$(pg_lsclusters -h | awk -v p="$PGPORT" '$3 == p && $4 == "online" { print $1 " " $2; exit }')
    if [ -n "$cluster" ]; then
        export AUTHWARD_TEST_POSTGRES_RESTART="pg_ctlcluster $cluster restart -m fast"
    fi
    echo "PostgreSQL $(psql -XAtc 'SHOW server_version') on port $PGPORT (cluster: ${cluster:-unknown})"
    exec "$@"
fi

required=false
case "${CI:-}" in true | 1) required=true ;; esac
skip() {
    if $required; then
        echo "FAILED: CI=true and the PostgreSQL tests cannot run: $*" >&2
        exit 1
    fi
    echo "PostgreSQL tests SKIPPED: $*"
    exit 0
}

if ! command -v pg_virtualenv >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing PostgreSQL from Debian"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-common >/dev/null ||
            skip "apt-get install postgresql failed"
    else
        skip "PostgreSQL is not installed and cannot be installed here (needs root and apt-get)"
    fi
fi

# Build outside the cluster's life time, then run against it.
cargo test --features postgres "${PROFILE[@]}" --no-run "${SUITES[@]}"
pg_virtualenv bash "$0" --inside cargo test --features postgres "${PROFILE[@]}" "${SUITES[@]}" -- --test-threads=2
