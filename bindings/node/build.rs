//! Links the addon the way Node.js expects (napi-build).
fn main() {
    napi_build::setup();
}
