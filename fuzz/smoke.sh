#!/usr/bin/env bash
# Fuzz smoke run of every target in fuzz_targets/ (the [[bin]] list of fuzz/Cargo.toml): builds them the
# way `cargo fuzz build` does (libFuzzer + AddressSanitizer + coverage instrumentation), replays the
# committed regression inputs (regressions/<target>/*: crashes found earlier, each must now pass), then
# fuzzes each target for FUZZ_SECONDS (default 4) from its seed corpus (seeds/<target>/, if any).
# Needs a nightly toolchain (`rustup toolchain list`) or, failing that, RUSTC_BOOTSTRAP=1 with the
# stable compiler; libFuzzer itself is compiled from C++ by libfuzzer-sys (g++ is enough).
#
#   bash fuzz/smoke.sh                      # every target, 4 s each
#   FUZZ_SECONDS=60 bash fuzz/smoke.sh uri  # one target, longer
# A long run: see fuzz/README.md. Prints "fuzz: N passed, M failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-4}"
host=$(rustc -vV | sed -n 's/^host: //p')
all_targets=$(sed -n 's/^name = "\([a-z0-9_]*\)"$/\1/p' Cargo.toml | grep -vx 'authward-fuzz')
targets=${*:-$all_targets}

if rustup run nightly rustc --version >/dev/null 2>&1; then
    cargo=(rustup run nightly cargo)
else
    echo "fuzz: no nightly toolchain; using RUSTC_BOOTSTRAP=1 with $(rustc --version)"
    export RUSTC_BOOTSTRAP=1
    cargo=(cargo)
fi
# The flags `cargo fuzz build` passes (cargo-fuzz 0.12, sanitizer=address).
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Zsanitizer=address -Cdebug-assertions \
-Coverflow-checks -Cdebuginfo=1"
unset CARGO_BUILD_TARGET
t0=$(date +%s)
bins=()
for t in $targets; do bins+=(--bin "$t"); done
if ! "${cargo[@]}" build --release --target "$host" "${bins[@]}" --target-dir target; then
    echo "fuzz: 0 passed, 1 failed (build)"
    exit 1
fi
echo "fuzz: built ${targets//$'\n'/ } in $(($(date +%s) - t0)) s"

passed=0
failed=0
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
export LSAN_OPTIONS="suppressions=$PWD/lsan.supp"
# -rss_limit_mb: a PHC string may ask the core for up to 4 GiB of Argon2 memory; the targets only run
# Argon2 on small parameters, so anything near the limit is a finding. -timeout: no input may take 10 s.
opts=(-rss_limit_mb=2048 -timeout=10 -max_len=4096 -print_final_stats=1)
for t in $targets; do
    bin="target/$host/release/$t"
    log="target/smoke-$t.log"
    if [[ -d "regressions/$t" ]] && compgen -G "regressions/$t/*" >/dev/null; then
        if ! "$bin" "${opts[@]}" "regressions/$t"/* >"$log" 2>&1; then
            tail -n 40 "$log" >&2
            echo "FAILED: $t (a regression input fails again)" >&2
            failed=$((failed + 1))
            continue
        fi
        echo "fuzz: $t replayed $(find "regressions/$t" -type f | wc -l) regression inputs"
    fi
    corpus="target/smoke-corpus/$t"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    [[ -d "seeds/$t" ]] && cp -r "seeds/$t/." "$corpus/"
    if [[ $t == c_inputs ]]; then
        printf '\x00$argon2id$v=19$m=1024,t=1,p=1$5hVHSpATtJ+KvYj4hKb5YA$uQhlf0YbDjQK3xc1mlGOa3qWXlt9PsD6vxLn/XgUW20' >"$corpus/phc"
        printf '\x01GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ|287082' >"$corpus/totp"
        printf '\x02otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&algorithm=SHA256&digits=8&period=60' >"$corpus/uri"
        printf '\x03gezd gnbv-gy3t qojq====' >"$corpus/base32"
    fi
    if "$bin" "$corpus" -max_total_time="$seconds" "${opts[@]}" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
        echo "fuzz: $t ran ${runs:-?} inputs in ${seconds} s without a failure"
        passed=$((passed + 1))
    else
        tail -n 60 "$log" >&2
        echo "FAILED: $t (crash input saved in fuzz/; see $log)" >&2
        failed=$((failed + 1))
    fi
done
echo "fuzz: total $(($(date +%s) - t0)) s"
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
