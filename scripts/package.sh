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
    echo "== C release: the install script into a staging prefix, made relocatable, tar"
    local name="libauthward-$version-x86_64-linux-gnu"
    local stage="$target_dir/package/c/$name"
    rm -rf "$stage"
    bash "$(c_install_script)" "$stage" >/dev/null
    # The system libraries a static link of Rust code needs, as rustc reports them for this target.
    local syslibs
    syslibs=$(native_static_libs)
    # pkg-config files relative to where they are unpacked (${pcfiledir}), for a tarball that may land
    # anywhere. authward.pc links the shared library; Libs.private lists what its static archive needs.
    # pkg-config puts Libs before Libs.private, so `--static` of one module cannot pick the archive
    # while libauthward.so sits beside it: authward-static.pc links the archive by path.
    local pc="$stage/lib/pkgconfig"
    sed -i -e 's|^prefix=.*|prefix=${pcfiledir}/../..|' -e "s|^Libs.private:.*|Libs.private: $syslibs|" "$pc/authward.pc"
    sed -e 's|^Name: authward|Name: authward-static|' \
        -e 's|^Description: \(.*\)|Description: \1 (static library)|' \
        -e "s|^Libs:.*|Libs: \${libdir}/libauthward.a $syslibs|" -e '/^Libs.private:/d' "$pc/authward.pc" >"$pc/authward-static.pc"
    sed -i "s|INTERFACE_LINK_LIBRARIES \"[^\"]*\"|INTERFACE_LINK_LIBRARIES \"$(sed -e 's/-l//g' -e 's/ /;/g' <<<"$syslibs")\"|" \
        "$stage/lib/cmake/authward/authwardConfig.cmake"
    if [[ -f "$(c_dir)/authward.supp" ]]; then install -D -m 0644 "$(c_dir)/authward.supp" "$stage/share/authward/authward.supp"; fi
    for f in LICENSE-MIT LICENSE-APACHE README.md; do
        if [[ -f "$root/$f" ]]; then install -m 0644 "$root/$f" "$stage/$f"; fi
    done
    rm -f "$dist/$name.tar.gz"
    tar -C "$(dirname "$stage")" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"
    echo "$dist/$name.tar.gz"
}

native_static_libs() {
    local tmp
    tmp=$(mktemp -d)
    echo 'pub fn f() {}' >"$tmp/probe.rs"
    rustc --crate-type staticlib --target "$CARGO_BUILD_TARGET" --print native-static-libs -o "$tmp/probe.a" "$tmp/probe.rs" 2>&1 |
        sed -n 's/.*native-static-libs: //p' | head -n 1
    rm -rf "$tmp"
}

# The C binding lives in bindings/c once the C ABI is its own crate; scripts/ and tests/c before that.
c_install_script() {
    if [[ -f bindings/c/install.sh ]]; then echo bindings/c/install.sh; else echo scripts/install-c.sh; fi
}
c_dir() {
    if [[ -d bindings/c ]]; then echo bindings/c; else echo tests/c; fi
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
