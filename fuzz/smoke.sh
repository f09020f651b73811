#!/usr/bin/env bash
# Fuzz smoke run of the C entry points that parse input (fuzz_targets/c_inputs.rs): builds the target the
# way `cargo fuzz build` does (libFuzzer + AddressSanitizer + coverage instrumentation) and runs it for
# FUZZ_SECONDS (default 30) from a small seed corpus. Needs a nightly toolchain (`rustup toolchain list`)
# or, failing that, RUSTC_BOOTSTRAP=1 with the stable compiler; libFuzzer itself is compiled from C++ by
# libfuzzer-sys (g++ is enough). A longer run: FUZZ_SECONDS=600 bash fuzz/smoke.sh, or `cargo fuzz run c_inputs`.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-30}"
host=$(rustc -vV | sed -n 's/^host: //p')

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
"${cargo[@]}" build --release --target "$host" --bin c_inputs --target-dir target

corpus=target/smoke-corpus
rm -rf "$corpus"
mkdir -p "$corpus"
printf '\x00$argon2id$v=19$m=1024,t=1,p=1$5hVHSpATtJ+KvYj4hKb5YA$uQhlf0YbDjQK3xc1mlGOa3qWXlt9PsD6vxLn/XgUW20' >"$corpus/phc"
printf '\x01GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ|287082' >"$corpus/totp"
printf '\x02otpauth://totp/ACME:alice@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&algorithm=SHA256&digits=8&period=60' >"$corpus/uri"
printf '\x03gezd gnbv-gy3t qojq====' >"$corpus/base32"

log=target/smoke.log
# -rss_limit_mb: a PHC string may ask for a large Argon2 matrix (bounded at 4 GiB by the core); keep the
# smoke run's memory modest and count such inputs as handled (-malloc_limit_mb makes them a failure).
ASAN_OPTIONS=detect_leaks=1 "target/$host/release/c_inputs" "$corpus" -max_total_time="$seconds" \
    -max_len=4096 -rss_limit_mb=4096 -print_final_stats=1 2>"$log" || {
    tail -n 60 "$log" >&2
    exit 1
}
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
echo "fuzz: c_inputs ran ${runs:-?} inputs in ${seconds}s without a crash"
