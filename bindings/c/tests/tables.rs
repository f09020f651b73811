//! The C tables come from the core's: the `authward_result`, `authward_violation_code` and
//! `authward_event_kind` enums and the `AUTHWARD_REQUIRED_ACTION_*` bits of the committed
//! `include/authward.h` (which the drift check keeps equal to what cbindgen generates from this crate) are
//! checked, name by name and number by number, against `ErrorCode::ALL`, `ViolationCode::ALL`,
//! `EventKind::ALL` and `RequiredAction::ALL`; and the crate's conversions and name functions against the
//! same tables. A code added to either side without the other fails here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::os::raw::c_char;

use authward::{ErrorCode, EventKind, RequiredAction, ViolationCode};
use authward_c::outcome::{action_bit, authward_event_kind, authward_event_kind_name};
use authward_c::password::{authward_violation_code, authward_violation_code_name};
use authward_c::result::{authward_result, authward_result_name};

fn header() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../include/authward.h");
    std::fs::read_to_string(path).expect("include/authward.h")
}

/// `PREFIX<NAME> = <n>,` enum lines (or `#define PREFIX<NAME> <n>` when `define`) of the header.
fn entries(header: &str, prefix: &str, define: bool) -> BTreeMap<u32, String> {
    let mut out = BTreeMap::new();
    for line in header.lines() {
        let line = line.trim();
        let rest = if define { line.strip_prefix("#define ") } else { Some(line) };
        let Some(rest) = rest.and_then(|r| r.strip_prefix(prefix)) else { continue };
        let (name, value) = if define {
            rest.split_once(' ').expect("#define NAME VALUE")
        } else {
            rest.trim_end_matches(',').split_once(" = ").expect("NAME = VALUE,")
        };
        let value: u32 = value.trim().parse().expect("a number");
        assert!(out.insert(value, name.to_string()).is_none(), "{prefix}: number {value} twice");
    }
    assert!(!out.is_empty(), "no {prefix}* entries in the header");
    out
}

fn text(p: *const c_char) -> String {
    // SAFETY: the name functions return static NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string()
}

#[test]
fn result_codes_are_the_core_error_codes() {
    let c = entries(&header(), "AUTHWARD_RESULT_", false);
    let core: BTreeMap<u32, String> =
        ErrorCode::ALL.iter().map(|e| (e.as_u32(), e.as_str().to_string())).collect();
    assert_eq!(c, core, "authward_result in include/authward.h vs ErrorCode::ALL");
    for code in ErrorCode::ALL {
        assert_eq!(authward_result::from(code) as u32, code.as_u32());
        assert_eq!(text(authward_result_name(code.as_u32())), code.as_str());
    }
    assert_eq!(text(authward_result_name(ErrorCode::ALL.len() as u32)), "UNKNOWN");
}

#[test]
fn violation_codes_are_the_core_violation_codes() {
    let c = entries(&header(), "AUTHWARD_VIOLATION_CODE_", false);
    let mut core = BTreeMap::from([(0, "NONE".to_string())]);
    for (i, code) in ViolationCode::ALL.iter().enumerate() {
        core.insert(i as u32 + 1, code.as_str().to_string());
    }
    assert_eq!(c, core, "authward_violation_code in include/authward.h vs ViolationCode::ALL");
    for (i, code) in ViolationCode::ALL.into_iter().enumerate() {
        let number = i as u32 + 1;
        assert_eq!(authward_violation_code::from(code) as u32, number);
        assert_eq!(text(authward_violation_code_name(number)), code.as_str());
    }
    assert_eq!(text(authward_violation_code_name(0)), "NONE");
    assert_eq!(text(authward_violation_code_name(ViolationCode::ALL.len() as u32 + 1)), "NONE");
    assert_eq!(text(authward_violation_code_name(u32::MAX)), "NONE");
}

#[test]
fn event_kinds_are_the_core_event_kinds() {
    let c = entries(&header(), "AUTHWARD_EVENT_KIND_", false);
    let mut core = BTreeMap::from([(0, "NONE".to_string())]);
    for (i, kind) in EventKind::ALL.iter().enumerate() {
        core.insert(i as u32 + 1, kind.as_str().to_uppercase());
    }
    assert_eq!(c, core, "authward_event_kind in include/authward.h vs EventKind::ALL");
    for (i, kind) in EventKind::ALL.into_iter().enumerate() {
        let number = i as u32 + 1;
        assert_eq!(authward_event_kind::from(kind) as u32, number);
        assert_eq!(text(authward_event_kind_name(number)), kind.as_str());
    }
    assert_eq!(text(authward_event_kind_name(0)), "none");
    assert_eq!(text(authward_event_kind_name(EventKind::ALL.len() as u32 + 1)), "none");
}

#[test]
fn required_action_bits_are_the_core_actions() {
    let c = entries(&header(), "AUTHWARD_REQUIRED_ACTION_", true);
    let core: BTreeMap<u32, String> =
        RequiredAction::ALL.iter().enumerate().map(|(i, a)| (1 << i, a.as_str().to_uppercase())).collect();
    assert_eq!(c, core, "AUTHWARD_REQUIRED_ACTION_* in include/authward.h vs RequiredAction::ALL");
    for (i, action) in RequiredAction::ALL.into_iter().enumerate() {
        assert_eq!(action_bit(action), 1 << i, "{action}");
    }
}
