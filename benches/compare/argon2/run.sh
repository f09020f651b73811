#!/usr/bin/env bash
# Argon2id hash time of authward against its peers, in one run on this machine:
#   argon2-cffi (PyPI, reference C implementation), libsodium's crypto_pwhash_str (Debian libsodium-dev)
#   and @node-rs/argon2 (npm, RustCrypto argon2 + mimalloc),
# at OWASP (m=19456 KiB, t=2, p=1) and RFC 9106 (m=65536 KiB, t=3, p=4) parameters.
# Prints a table of median ms per hash and the ratio authward/peer (< 1 means authward is faster),
# after checking that every library verifies authward's hash and authward verifies theirs.
#
# Installs what it needs: libsodium-dev (apt, only if missing), a venv and a node_modules under
# $WORK (default /tmp/authward-compare-argon2). Env: N_OWASP (default 20), N_RFC (default 10) timed
# hashes per library after two warm-up hashes.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
WORK=${WORK:-/tmp/authward-compare-argon2}
N_OWASP=${N_OWASP:-20}
N_RFC=${N_RFC:-10}
PASSWORD="correct horse battery staple"
mkdir -p "$WORK"
log() { printf '== %s\n' "$*" >&2; }

# ---- set-up -------------------------------------------------------------------------------------
log "building authward's bench binary (release)"
(cd "$ROOT" && cargo build --release --quiet --example bench_argon2)
AUTHWARD="$ROOT/target/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}release/examples/bench_argon2"

if ! pkg-config --exists libsodium 2>/dev/null && [ ! -e /usr/include/sodium.h ]; then
  log "installing libsodium-dev"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsodium-dev >/dev/null
fi
log "compiling the libsodium program"
cc -O2 -Wall -Wextra -o "$WORK/sodium_bench" "$HERE/sodium_bench.c" -lsodium

if [ ! -x "$WORK/venv/bin/python" ]; then
  log "creating a venv with argon2-cffi"
  python3 -m venv "$WORK/venv"
fi
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check argon2-cffi

mkdir -p "$WORK/node"
if [ ! -d "$WORK/node/node_modules/@node-rs/argon2" ]; then
  log "installing @node-rs/argon2"
  (cd "$WORK/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --silent --no-audit --no-fund @node-rs/argon2 >/dev/null)
fi

versions="argon2-cffi $("$WORK/venv/bin/python" -c 'import importlib.metadata as m; print(m.version("argon2-cffi"))')"
versions+=", libsodium $(pkg-config --modversion libsodium 2>/dev/null || dpkg-query -W -f='${Version}' libsodium-dev)"
versions+=", @node-rs/argon2 $(cd "$WORK/node" && node -p 'require("@node-rs/argon2/package.json").version')"
versions+=", node $(node --version), $(python3 --version)"

# ---- measurements -------------------------------------------------------------------------------
RESULTS="$WORK/results.txt"
: > "$RESULTS"
run() { "$@" | tee -a "$RESULTS" | grep -v '^PHC' >&2; }

for spec in "19456 2 1 $N_OWASP" "65536 3 4 $N_RFC"; do
  read -r m t p n <<<"$spec"
  log "m=$m t=$t p=$p: authward"
  "$AUTHWARD" hash "$m" "$t" "$p" "$n" | tee -a "$RESULTS" >&2
  phc=$(grep "^PHC authward" "$RESULTS" | tail -1 | cut -d' ' -f3)
  log "m=$m t=$t p=$p: argon2-cffi"
  run "$WORK/venv/bin/python" "$HERE/cffi_bench.py" "$m" "$t" "$p" "$n" "$phc"
  log "m=$m t=$t p=$p: @node-rs/argon2"
  (cd "$WORK/node" && run node "$HERE/node_bench.mjs" "$m" "$t" "$p" "$n" "$phc")
  log "m=$m t=$t p=1: libsodium (one lane only)"
  if [ "$p" = 1 ]; then
    run "$WORK/sodium_bench" "$m" "$t" "$n" "$phc"
  else
    run "$WORK/sodium_bench" "$m" "$t" "$n"
  fi
done

log "authward verifies the peers' hashes"
mapfile -t peer_phcs < <(grep '^PHC ' "$RESULTS" | grep -v '^PHC authward' | cut -d' ' -f3)
"$AUTHWARD" verify "$PASSWORD" "${peer_phcs[@]}" | tee -a "$RESULTS" >&2

# ---- table --------------------------------------------------------------------------------------
python3 - "$RESULTS" "$versions" "$(nproc)" <<'PY'
import sys
results, versions, cores = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
for line in open(results):
    f = line.split()
    if f and f[0] == "RESULT":
        rows[(f[1], f[2])] = (float(f[3]), float(f[4]))
settings = [("OWASP", "19456,2,1"), ("RFC 9106", "65536,3,4")]
peers = ["argon2-cffi", "libsodium", "@node-rs/argon2"]
print(f"Argon2id hash, median ms per hash (min in brackets); {cores} cores; {versions}")
print(f"{'params (m,t,p)':<26}{'authward':>18}" + "".join(f"{p:>20}" for p in peers))
for label, params in settings:
    mine = rows[("authward", params)]
    line = f"{label + ' ' + params:<26}{f'{mine[0]:.1f} ({mine[1]:.1f})':>18}"
    for peer in peers:
        got = rows.get((peer, params))
        if got is None and peer == "libsodium":
            m, t, _ = params.split(",")
            got = rows.get((peer, f"{m},{t},1"))
            line += f"{f'{got[0]:.1f} ({got[1]:.1f}) p=1*':>20}" if got else f"{'n/a':>20}"
            continue
        line += f"{f'{got[0]:.1f} ({got[1]:.1f})':>20}" if got else f"{'n/a':>20}"
    print(line)
print(f"{'ratio authward/peer':<26}{'':>18}" + "".join(f"{p:>20}" for p in peers))
for label, params in settings:
    mine = rows[("authward", params)][0]
    line = f"{label + ' ' + params:<26}{'':>18}"
    for peer in peers:
        got = rows.get((peer, params))
        if got is None and peer == "libsodium":
            m, t, _ = params.split(",")
            got = rows.get((peer, f"{m},{t},1"))
            line += f"{f'{mine / got[0]:.2f}*':>20}" if got else f"{'n/a':>20}"
            continue
        line += f"{mine / got[0]:>20.2f}" if got else f"{'n/a':>20}"
    print(line)
print("* libsodium's crypto_pwhash has no parallelism parameter and always computes one lane: its RFC 9106")
print("  figure is m=65536,t=3,p=1, the same memory and block count on one thread (and a different hash).")
PY
