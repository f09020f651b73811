//! Recovery codes: `normalize` on any text and `find` against stored lists mixing real hashes and
//! garbage, with codes typed the forgiving ways users type them.
//!
//! Invariants: `normalize` gives 16 characters of the Crockford alphabet or `None`, and is idempotent;
//! case, dashes, spaces and O/I/L for 0/1/1 do not matter; `find` returns the first stored hash that
//! matches, never a malformed entry, and nothing for a code that was not stored; a stored hash does not
//! contain its code.
#![no_main]

use arbitrary::Arbitrary;
use authward::recovery::{self, CODE_CHARS};
use authward_fuzz::assert_no_leak;
use libfuzzer_sys::fuzz_target;

const ALPHABET: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Arbitrary, Debug)]
struct Input {
    /// Any text, normalized and looked up.
    typed: String,
    /// A code from these 16 symbols (indices into the alphabet), typed with the changes below.
    symbols: [u8; 16],
    lower: u16,
    confusable: u16,
    separators: Vec<(u8, bool)>,
    /// Stored entries: real hashes of `symbols` (true) or of another code, or garbage.
    stored: Vec<Entry>,
}

#[derive(Arbitrary, Debug)]
enum Entry {
    Ours,
    Other([u8; 16]),
    Garbage(String),
}

fn code_of(symbols: &[u8; 16]) -> String {
    let a = ALPHABET.as_bytes();
    symbols.iter().map(|s| char::from(a[usize::from(s % 32)])).collect()
}

fuzz_target!(|input: Input| {
    // Any text.
    if let Some(n) = recovery::normalize(&input.typed) {
        assert_eq!(n.len(), CODE_CHARS);
        assert!(n.chars().all(|c| ALPHABET.contains(c)), "{:?}", n.as_str());
        assert_eq!(
            recovery::normalize(&n).map(|x| x.to_string()),
            Some(n.to_string()),
            "normalize is idempotent"
        );
        assert!(input.typed.len() <= 64);
    }

    // A real code, typed messily.
    let code = code_of(&input.symbols);
    let mut typed: String = code
        .chars()
        .enumerate()
        .map(|(i, c)| {
            let c = match (c, input.confusable >> i & 1 == 1) {
                ('0', true) => 'O',
                ('1', true) => {
                    if i % 2 == 0 {
                        'I'
                    } else {
                        'L'
                    }
                }
                (c, _) => c,
            };
            if input.lower >> i & 1 == 1 { c.to_ascii_lowercase() } else { c }
        })
        .collect();
    for (pos, dash) in input.separators.iter().take(24) {
        let at = usize::from(*pos) % (typed.len() + 1);
        typed.insert(at, if *dash { '-' } else { ' ' });
    }
    let normalized = recovery::normalize(&typed);
    assert_eq!(normalized.map(|x| x.to_string()), Some(code.clone()), "typed {typed:?}");

    // Lookup against a stored list.
    let mut stored = Vec::new();
    let mut codes: Vec<Option<String>> = Vec::new();
    let mut first_ours = None;
    for (i, e) in input.stored.iter().take(12).enumerate() {
        match e {
            Entry::Ours => {
                let h = recovery::hash(&code).expect("a well-formed code hashes");
                assert_no_leak(&h, code.as_bytes());
                assert!(!h.contains(&code));
                first_ours.get_or_insert(i);
                stored.push(h);
                codes.push(Some(code.clone()));
            }
            Entry::Other(s) => {
                let other = code_of(s);
                if other == code {
                    first_ours.get_or_insert(i);
                }
                stored.push(recovery::hash(&other).expect("well-formed"));
                codes.push(Some(other));
            }
            Entry::Garbage(g) => {
                stored.push(g.clone());
                codes.push(None);
            }
        }
    }
    let found = recovery::find(&typed, &stored);
    match first_ours {
        Some(i) => assert_eq!(found, Some(i)),
        None => {
            // Garbage entries could only match by forging a SHA-256: treat a hit as a failure.
            assert_eq!(found, None, "matched an entry that is not a hash of the code");
        }
    }
    // The arbitrary text is found only at the first entry hashed from what it normalizes to.
    let wanted = recovery::normalize(&input.typed).map(|n| n.to_string());
    let expected = wanted.as_ref().and_then(|w| codes.iter().position(|c| c.as_ref() == Some(w)));
    assert_eq!(recovery::find(&input.typed, &stored), expected);
});
