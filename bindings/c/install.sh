#!/usr/bin/env bash
# Installs the authward C library into a prefix: the shared library (with its SONAME link), the static
# library, include/authward.h and include/authward.hpp, a pkg-config file and a CMake package config.
#
#   bindings/c/install.sh PREFIX            # builds the release library first (cargo build --release -p authward-c)
#   bindings/c/install.sh --no-build PREFIX # installs what target/ already holds
#
# Then:  cc app.c $(PKG_CONFIG_PATH=PREFIX/lib/pkgconfig pkg-config --cflags --libs authward)
#        static: cc app.c $(pkg-config --cflags authward) PREFIX/lib/libauthward.a -lpthread -ldl -lm
#        CMake:  find_package(authward REQUIRED) with CMAKE_PREFIX_PATH=PREFIX; link authward::authward
#                (or authward::authward_static).
set -euo pipefail

build=1
if [[ "${1:-}" == "--no-build" ]]; then
    build=0
    shift
fi
if [[ $# -ne 1 ]]; then
    echo "usage: $0 [--no-build] PREFIX" >&2
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

install -d "$prefix/lib" "$prefix/include" "$prefix/lib/pkgconfig" "$prefix/lib/cmake/authward"
# cargo names the files after the crate (authward_c); installed, they are libauthward.*.
install -m 0755 "$libdir_build/libauthward_c.so" "$prefix/lib/libauthward.so.$version"
ln -sf "libauthward.so.$version" "$prefix/lib/$soname"
ln -sf "$soname" "$prefix/lib/libauthward.so"
install -m 0644 "$libdir_build/libauthward_c.a" "$prefix/lib/libauthward.a"
install -m 0644 include/authward.h include/authward.hpp "$prefix/include/"

cat >"$prefix/lib/pkgconfig/authward.pc" <<PC
prefix=$prefix
exec_prefix=\${prefix}
libdir=\${exec_prefix}/lib
includedir=\${prefix}/include

Name: authward
Description: Account security: Argon2id passwords, TOTP two-factor, recovery codes, account policies
Version: $version
Libs: -L\${libdir} -lauthward -Wl,-rpath,\${libdir}
Libs.private: -lpthread -ldl -lm
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
    INTERFACE_LINK_LIBRARIES "pthread;dl;m")
endif()
set(authward_FOUND TRUE)
unset(_authward_prefix)
CMAKE
sed -i "s/@SONAME@/$soname/" "$prefix/lib/cmake/authward/authwardConfig.cmake"

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

echo "installed authward $version into $prefix (lib/$soname, include/authward.h, lib/pkgconfig/authward.pc, lib/cmake/authward)"
