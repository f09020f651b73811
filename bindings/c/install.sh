#!/usr/bin/env bash
# Installs the authward C library into a prefix: the shared library (with its SONAME link), the static
# library, include/authward.h and include/authward.hpp, pkg-config files (authward.pc for the shared
# library, authward-static.pc for the archive), a CMake package config and share/authward/authward.supp
# (valgrind suppressions for the library's one-time tables).
#
#   bindings/c/install.sh PREFIX               # builds the release library first (cargo build --release -p authward-c)
#   bindings/c/install.sh --no-build PREFIX    # installs what target/ already holds
#   bindings/c/install.sh --relocatable PREFIX # .pc files relative to their own folder (a release tarball)
#
# Then:  cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs authward)
#        static: cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --static --cflags --libs authward-static)
#        (one module cannot do both: pkg-config puts Libs before Libs.private, so `-lauthward` would
#        always find libauthward.so first; authward.pc's Libs.private still lists the archive's system
#        libraries for whoever links libauthward.a by hand)
#        CMake:  find_package(authward REQUIRED) with CMAKE_PREFIX_PATH=PREFIX; link authward::authward
#                (or authward::authward_static).
#        valgrind --leak-check=full --suppressions=PREFIX/share/authward/authward.supp ./app
set -euo pipefail

build=1
relocatable=0
while [[ "${1:-}" == --* ]]; do
    case "$1" in
        --no-build) build=0 ;;
        --relocatable) relocatable=1 ;;
        *)
            echo "unknown option $1" >&2
            exit 2
            ;;
    esac
    shift
done
if [[ $# -ne 1 ]]; then
    echo "usage: $0 [--no-build] [--relocatable] PREFIX" >&2
    exit 2
fi
mkdir -p "$1"
prefix=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

host=$(rustc -vV | sed -n 's/^host: //p')
export CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$host}"
if [[ $build -eq 1 ]]; then
    cargo build --release -p authward-c
fi
libdir_build="${CARGO_TARGET_DIR:-$root/target}/$CARGO_BUILD_TARGET/release"

version=$(sed -n 's/^version = "\(.*\)"/\1/p' bindings/c/Cargo.toml | head -n 1)
major=${version%%.*}
rest=${version#*.}
minor=${rest%%.*}
if [[ "$major" == "0" ]]; then soversion="0.$minor"; else soversion="$major"; fi
soname="libauthward.so.$soversion"

# The system libraries a static link of Rust code needs on this target, as rustc reports them.
probe=$(mktemp -d)
echo 'pub fn f() {}' >"$probe/probe.rs"
syslibs=$(rustc --crate-type staticlib --target "$CARGO_BUILD_TARGET" --print native-static-libs \
    -o "$probe/probe.a" "$probe/probe.rs" 2>&1 | sed -n 's/.*native-static-libs: //p' | head -n 1)
rm -rf "$probe"
[[ -n "$syslibs" ]] || syslibs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
if [[ $relocatable -eq 1 ]]; then pc_prefix='${pcfiledir}/../..'; else pc_prefix=$prefix; fi

install -d "$prefix/lib" "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/authward" "$prefix/share/authward"
# cargo names the files after the crate (authward_c); installed, they are libauthward.*.
install -m 0755 "$libdir_build/libauthward_c.so" "$prefix/lib/libauthward.so.$version"
ln -sf "libauthward.so.$version" "$prefix/lib/$soname"
ln -sf "$soname" "$prefix/lib/libauthward.so"
install -m 0644 "$libdir_build/libauthward_c.a" "$prefix/lib/libauthward.a"
install -m 0644 include/authward.h include/authward.hpp "$prefix/include/"
install -m 0644 bindings/c/authward.supp "$prefix/share/authward/authward.supp"

cat >"$prefix/lib/pkgconfig/authward.pc" <<PC
prefix=$pc_prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: authward
Description: Account security: Argon2id passwords, TOTP two-factor, recovery codes, account policies
Version: $version
Libs: -L\${libdir} -lauthward -Wl,-rpath,\${libdir}
Libs.private: $syslibs
Cflags: -I\${includedir}
PC

cat >"$prefix/lib/pkgconfig/authward-static.pc" <<PC
prefix=$pc_prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: authward-static
Description: Account security: Argon2id passwords, TOTP two-factor, recovery codes, account policies (static library)
Version: $version
Libs: \${libdir}/libauthward.a $syslibs
Cflags: -I\${includedir}
PC

cat >"$prefix/lib/cmake/authward/authwardConfig.cmake" <<'CMAKE'
# CMake package config for authward: find_package(authward) defines authward::authward (shared) and
# authward::authward_static (static, with its system libraries).
get_filename_component(_authward_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
if(NOT TARGET authward::authward)
  add_library(authward::authward SHARED IMPORTED)
  set_target_properties(authward::authward PROPERTIES
    IMPORTED_LOCATION "${_authward_prefix}/lib/libauthward.so"
    IMPORTED_SONAME "@SONAME@"
    INTERFACE_INCLUDE_DIRECTORIES "${_authward_prefix}/include")
endif()
if(NOT TARGET authward::authward_static)
  add_library(authward::authward_static STATIC IMPORTED)
  set_target_properties(authward::authward_static PROPERTIES
    IMPORTED_LOCATION "${_authward_prefix}/lib/libauthward.a"
    INTERFACE_INCLUDE_DIRECTORIES "${_authward_prefix}/include"
    INTERFACE_LINK_LIBRARIES "@SYSLIBS@")
endif()
set(authward_FOUND TRUE)
unset(_authward_prefix)
CMAKE
sed -i -e "s/@SONAME@/$soname/" -e "s/@SYSLIBS@/$(sed -e 's/-l//g' -e 's/ /;/g' <<<"$syslibs")/" \
    "$prefix/lib/cmake/authward/authwardConfig.cmake"

cat >"$prefix/lib/cmake/authward/authwardConfigVersion.cmake" <<CMAKE
set(PACKAGE_VERSION "$version")
if(PACKAGE_FIND_VERSION VERSION_GREATER PACKAGE_VERSION)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif("$major" STREQUAL "0" AND NOT PACKAGE_FIND_VERSION_MINOR STREQUAL "" AND NOT PACKAGE_FIND_VERSION_MINOR EQUAL $minor)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
elseif(NOT PACKAGE_FIND_VERSION_MAJOR STREQUAL "" AND NOT PACKAGE_FIND_VERSION_MAJOR EQUAL $major)
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION STREQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
endif()
CMAKE

echo "installed authward $version into $prefix (lib/$soname, lib/libauthward.a, include/authward.h, lib/pkgconfig/authward.pc and authward-static.pc, lib/cmake/authward, share/authward/authward.supp)"
