#!/usr/bin/env bash
# C ABI benchmarks, one run, peers side by side:
#  * one TOTP verification: from C through the ABI (bench.c) vs the same call directly in Rust
#    (totp_rust.rs, which also times the exported function called from Rust); target ratio <= 1.2x;
#  * Argon2id hash throughput: authward_hash_password vs libsodium crypto_pwhash_str (Debian
#    libsodium-dev) at m=19456 KiB, t=2, p=1, interleaved in one C process.
# Usage: bash benches/compare/c/run.sh [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$root"
rounds="${1:-15}"
host=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host}"
if ! pkg-config --exists libsodium 2>/dev/null; then
    sudo_cmd=""
    [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq libsodium-dev pkg-config >/dev/null
fi
cargo build --release -p authward -p authward-c -q
work="$root/target/c-abi-bench"
mkdir -p "$work"
bindings/c/install.sh --no-build "$work/prefix" >/dev/null
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
gcc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Wall -Wextra -Wpedantic -Werror benches/compare/c/bench.c -o "$work/bench" \
    $(pkg-config --cflags --libs authward libsodium)
release="$root/target/$CARGO_BUILD_TARGET/release"
rustc --edition 2024 -C opt-level=3 benches/compare/c/totp_rust.rs -o "$work/totp_rust" \
    --extern authward="$release/libauthward.rlib" --extern authward_c="$release/libauthward_c.rlib" -L "dependency=$release/deps" -L "dependency=$root/target/release/deps"

c_out=$("$work/bench" "$rounds")
r_out=$("$work/totp_rust" "$rounds")
echo "$c_out"
echo "$r_out"
c_ns=$(echo "$c_out" | sed -n 's/^c_abi_totp_verify_ns \([0-9.]*\).*/\1/p')
r_ns=$(echo "$r_out" | sed -n 's/^rust_totp_verify_ns \([0-9.]*\).*/\1/p')
awk -v c="$c_ns" -v r="$r_ns" 'BEGIN { printf "totp verify: C ABI / Rust = %.2fx (target <= 1.2x)\n", c / r }'
