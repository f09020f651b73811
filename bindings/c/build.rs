//! Gives the C shared library a SONAME, so programs linked against `libauthward.so` keep loading the
//! ABI-compatible version they were built with (`libauthward.so.0.<minor>` while the major version is 0,
//! since 0.x minor releases may break the ABI; `libauthward.so.<major>` from 1.0 on).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" || os == "freebsd" || os == "netbsd" || os == "openbsd" {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_default();
        let minor = std::env::var("CARGO_PKG_VERSION_MINOR").unwrap_or_default();
        let soname = if major == "0" {
            format!("libauthward.so.0.{minor}")
        } else {
            format!("libauthward.so.{major}")
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    }
}
