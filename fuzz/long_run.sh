#!/usr/bin/env bash
# The long fuzz run (manual, not part of the test command): every target in turn on ONE core, under
# `nice -n 19`, with a persistent corpus (corpus/<target>/, git-ignored) and crash artifacts in
# artifacts/<target>/. Builds first through smoke.sh's build step (FUZZ_SECONDS=0 is not needed: the
# binaries are the smoke run's). Time per target in seconds: LONG_SECONDS_<target> or LONG_SECONDS
# (default 140). Prints each target's executions and a total.
#
#   nice -n 19 bash fuzz/long_run.sh > fuzz/target/long.log 2>&1 &
set -uo pipefail
cd "$(dirname "$0")"
host=$(rustc -vV | sed -n 's/^host: //p')
targets=${*:-$(sed -n 's/^name = "\([a-z0-9_]*\)"$/\1/p' Cargo.toml | grep -vx 'authward-fuzz')}
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp"
total=0
for t in $targets; do
    var="LONG_SECONDS_$t"
    secs=${!var:-${LONG_SECONDS:-140}}
    mkdir -p "corpus/$t" "artifacts/$t"
    [[ -d "seeds/$t" ]] && cp -rn "seeds/$t/." "corpus/$t/"
    log="target/long-$t.log"
    "target/$host/release/$t" "corpus/$t" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=20 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    total=$((total + ${runs:-0}))
    echo "$t: exit $rc, ${runs:-?} executions in ${secs} s, corpus $(find "corpus/$t" -type f | wc -l) files"
done
echo "total executions: $total"
