#!/usr/bin/env bash
# Builds the release artefacts of authward into dist/ (what a user of a release installs, with no Rust):
#
#   dist/authward-VERSION-cp39-abi3-manylinux_2_17_x86_64….whl  Python abi3 wheel (pip install dist/authward-*.whl)
#   dist/authward-VERSION.tar.gz                                 Python sdist (builds outside the checkout; needs Rust)
#   dist/authward-VERSION.tgz                                    npm package with the prebuilt linux-x64-gnu addon
#                                                                and the bundled Rust sources (npm install ./dist/authward-*.tgz)
#   dist/libauthward-VERSION-x86_64-linux-gnu.tar.gz             C release: lib/, include/, lib/pkgconfig, lib/cmake, licences
#
#   bash scripts/package.sh                 # everything
#   bash scripts/package.sh wheel npm       # only these (wheel, sdist, npm, c)
#
# Every artefact is built once and reused: the test suites install the wheel and the addon from here
# instead of building their own. The wheel is linked with zig against glibc 2.17 (maturin --zig, in
# its own target dir target/manylinux so it never invalidates the native build); the npm addon and the
# C library use the ordinary build in target/. Tools (maturin, ziglang) come from PyPI into
# target/package-tools. Environment: AUTHWARD_DIST (default dist/), CARGO_BUILD_TARGET.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
dist="${AUTHWARD_DIST:-$root/dist}"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
mkdir -p "$dist"

MATURIN_VERSION=1.16.0
ZIG_VERSION=0.17.1
tools="$root/target/package-tools"

what=("$@")
[[ ${#what[@]} -eq 0 ]] && what=(wheel sdist npm c)

tools() {
    local want="maturin==$MATURIN_VERSION ziglang==$ZIG_VERSION"
    if [[ "$(cat "$tools/.versions" 2>/dev/null)" != "$want" ]]; then
        echo "== package tools: $want (PyPI) into $tools"
        rm -rf "$tools"
        python3 -m venv "$tools"
        "$tools/bin/python" -m pip install -q --disable-pip-version-check $want
        echo "$want" >"$tools/.versions"
    fi
}

wheel() {
    tools
    echo "== wheel: maturin build --release --zig --compatibility manylinux_2_17 (target dir target/manylinux)"
    rm -f "$dist"/authward-*.whl
    CARGO_TARGET_DIR="$target_dir/manylinux" PATH="$tools/bin:$PATH" maturin build --quiet --release --zig \
        --compatibility manylinux_2_17 --target "$CARGO_BUILD_TARGET" -m bindings/python/Cargo.toml --out "$dist"
    ls "$dist"/authward-"$version"-cp39-abi3-*manylinux_2_17_x86_64*.whl
}

sdist() {
    tools
    echo "== sdist: maturin sdist (the core's sources included)"
    rm -f "$dist/authward-$version.tar.gz"
    PATH="$tools/bin:$PATH" maturin sdist -m bindings/python/Cargo.toml --out "$dist" 2>&1 | grep -v '^\s*$' || true
    test -f "$dist/authward-$version.tar.gz"
    echo "$dist/authward-$version.tar.gz"
}

npm_pkg() {
    echo "== npm: cargo build --release -p authward-node, stage with the prebuilt addon and the bundled sources, npm pack"
    cargo build --quiet --release -p authward-node
    local stage="$target_dir/package/npm"
    node bindings/node/scripts/pack.js "$stage" "$target_dir/$CARGO_BUILD_TARGET/release/libauthward_node.so"
    strip --strip-unneeded "$stage/authward.linux-x64-gnu.node" 2>/dev/null || true
    rm -f "$dist/authward-$version.tgz"
    (cd "$stage" && npm pack --silent --pack-destination "$dist" >/dev/null)
    echo "$dist/authward-$version.tgz ($(du -k "$dist/authward-$version.tgz" | cut -f1) KiB)"
}

c_release() {
    echo "== C release: bindings/c/install.sh --relocatable into a staging prefix, licences, tar"
    local name="libauthward-$version-x86_64-linux-gnu"
    local stage="$target_dir/package/c/$name"
    rm -rf "$stage"
    bash bindings/c/install.sh --relocatable "$stage" >/dev/null
    for f in LICENSE-MIT LICENSE-APACHE README.md; do
        install -m 0644 "$root/$f" "$stage/$f"
    done
    install -m 0644 bindings/c/README.md "$stage/README-C.md"
    rm -f "$dist/$name.tar.gz"
    tar -C "$(dirname "$stage")" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"
    echo "$dist/$name.tar.gz"
}

for w in "${what[@]}"; do
    case "$w" in
        wheel) wheel ;;
        sdist) sdist ;;
        npm) npm_pkg ;;
        c) c_release ;;
        *)
            echo "unknown artefact '$w' (wheel, sdist, npm, c)" >&2
            exit 2
            ;;
    esac
done
