//! Runs the `authward-breach` binary on a small list: build, then check passwords on stdin.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_authward-breach");

fn run_check(filter: &std::path::Path, input: &str) -> (i32, String) {
    let mut child = Command::new(BIN)
        .arg("check")
        .arg(filter)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    // the tool may exit before reading (a bad filter): a broken pipe is then expected
    let _ = child.stdin.take().expect("stdin").write_all(input.as_bytes());
    let out = child.wait_with_output().expect("wait");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn builds_a_filter_and_checks_passwords() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("list.txt");
    let filter = dir.path().join("out.filter");
    // a plaintext entry, a SHA-1 line (of "password", lower case), a duplicate, CRLF and a blank line
    std::fs::write(&list, "hunter2\r\n5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8\n\nhunter2\nqwerty123\n")
        .expect("write list");
    let out = Command::new(BIN).arg("build").arg(&list).arg(&filter).output().expect("run build");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("entries: 3"), "{stdout}");
    let size = std::fs::metadata(&filter).expect("filter file").len();
    assert!(stdout.contains(&format!("size: {size} bytes")), "{stdout}");
    assert!(stdout.contains("false-positive rate: 1/65536"), "{stdout}");

    let (code, verdicts) =
        run_check(&filter, "hunter2\npassword\ncorrect horse battery staple\nqwerty123\r\n");
    assert_eq!(code, 0);
    assert_eq!(verdicts, "breached\nbreached\nok\nbreached\n");
    assert!(!verdicts.contains("hunter2"), "the tool never echoes a password");
}

#[test]
fn refuses_a_file_that_is_no_filter_and_bad_usage() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bogus = dir.path().join("bogus.filter");
    std::fs::write(&bogus, b"not a filter at all, just some bytes of text").expect("write");
    let (code, out) = run_check(&bogus, "hunter2\n");
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let usage = Command::new(BIN).arg("frobnicate").output().expect("run");
    assert_eq!(usage.status.code(), Some(64));
    let missing = Command::new(BIN)
        .args(["build", "/nonexistent/list.txt"])
        .arg(dir.path().join("x.filter"))
        .output()
        .expect("run");
    assert_eq!(missing.status.code(), Some(2));
}
