#!/usr/bin/env bash
# PostgreSQL throughput benchmark (docs/performance.md): a throwaway cluster with fsync=on, then
# benches/postgres.rs (authward's verifications/s and sign-ins/s) beside pgbench's raw compare-and-set
# UPDATE on the same server. AUTHWARD_BENCH_SECONDS sets the length of each figure (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export CARGO_BUILD_TARGET
cargo bench --features postgres --bench postgres --no-run
pg_virtualenv -o fsync=on -o synchronous_commit=on -o max_connections=100 bash -c '
    export AUTHWARD_BENCH_POSTGRES_URL="postgres://${PGUSER}:${PGPASSWORD}@${PGHOST:-localhost}:${PGPORT}/${PGDATABASE:-postgres}"
    cargo bench --features postgres --bench postgres'
