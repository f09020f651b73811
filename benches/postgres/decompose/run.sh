#!/usr/bin/env bash
# Where a verification's PostgreSQL time goes, in pgbench alone (no authward, no Rust): the same
# shapes of statements on tables shaped like authward's, 8 clients, fsync=on. Read beside
# `bash benches/postgres/run.sh` (docs/performance.md, "Where the time goes").
#   a   the raw compare-and-set UPDATE (the bound of benches/postgres.rs)
#   b   a read of the row, then that UPDATE (two round trips)
#   d1  the UPDATE inside a plpgsql function (write_user's frame)
#   d2  d1 + the event INSERT
#   d3  d1 + the challenge DELETE and the used-marker INSERT
#   d   all of it: write_user's work in one round trip
#   c   the read, then d: a verification's two round trips, with no client work at all
# Since schema 3 (the challenge marked used in place, the events' time index a BRIN):
#   d4  d1 + the challenge marked used (one HOT UPDATE)
#   e   all of schema 3's write_user work for a verification, one round trip
#   f   the read, then e: a verification's statements since schema 3, no client work
set -euo pipefail
cd "$(dirname "$0")"
seconds="${AUTHWARD_BENCH_SECONDS:-5}"
pg_virtualenv -o fsync=on -o synchronous_commit=on bash -c "
    psql -XAtq -f setup.sql
    for s in a b d1 d2 d3 d c d4 e f; do
        printf '%-3s ' \$s
        pgbench -n -M prepared -c 8 -j 8 -T $seconds -f \$s.sql 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1 tps/p'
    done"
