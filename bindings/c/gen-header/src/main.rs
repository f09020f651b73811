//! Regenerates `include/authward.h` from the C ABI crate's `bindings/c/src/*.rs` with cbindgen
//! (configured by `bindings/c/cbindgen.toml`).
//!
//! * `cargo run -p gen-header` writes the header.
//! * `cargo run -p gen-header -- --check` writes nothing and exits with status 1 when the committed header
//!   differs from a fresh generation (the test command runs this).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn repo_root() -> PathBuf {
    // bindings/c/gen-header → the repository root.
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn generate(root: &Path) -> Result<Vec<u8>, String> {
    let crate_dir = root.join("bindings/c");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .map_err(|e| format!("cannot read bindings/c/cbindgen.toml: {e}"))?;
    // Only the C crate is parsed (cbindgen follows its `mod` items): the core's own items are not part
    // of the C ABI.
    let builder = cbindgen::Builder::new().with_config(config).with_src(crate_dir.join("src/lib.rs"));
    let bindings = builder.generate().map_err(|e| format!("cbindgen failed: {e}"))?;
    let mut out = Vec::new();
    bindings.write(&mut out);
    Ok(out)
}

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|a| a == "--check");
    let root = repo_root();
    let header = root.join("include/authward.h");
    let fresh = match generate(&root) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("gen-header: {e}");
            return ExitCode::from(2);
        }
    };
    if check {
        let committed = std::fs::read(&header).unwrap_or_default();
        if committed == fresh {
            println!("gen-header: include/authward.h is up to date");
            ExitCode::SUCCESS
        } else {
            eprintln!(
                "gen-header: include/authward.h is stale; run `cargo run -p gen-header` and commit the result"
            );
            ExitCode::FAILURE
        }
    } else {
        match std::fs::write(&header, &fresh) {
            Ok(()) => {
                println!("gen-header: wrote {}", header.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gen-header: cannot write {}: {e}", header.display());
                ExitCode::from(2)
            }
        }
    }
}
