//! The service over each store, for the flow tests (tests/service.rs, tests/admin_view.rs): one test
//! module per store from [`over_every_store!`], each test on a fresh service at `T0` with cheap hash
//! parameters. The memory store and a SQLite file opened by path always; PostgreSQL when a server is
//! there (see pg.rs; tests/postgres/run.sh runs these files), else those tests return at once. The test
//! file declares `mod pg` beside this module.
#![allow(dead_code)]

use std::sync::Arc;

use authward::{Authward, AuthwardOptions, HashParams, ManualClock};

/// Cheap Argon2 parameters: the flows are under test, not the hash.
pub const CHEAP: HashParams = HashParams { memory_kib: 1024, iterations: 1, parallelism: 1 };
/// The clock's start (2027-01-15).
pub const T0: u64 = 1_800_000_000;
/// The store's key.
pub const KEY: [u8; 32] = [9u8; 32];

/// A service, its clock, and what keeps its store alive.
pub struct Env {
    /// The service.
    pub aw: Authward,
    /// Its clock, at `T0` to begin with.
    pub clock: ManualClock,
    _dir: Option<tempfile::TempDir>,
}

/// The options of every service here: the manual clock and [`CHEAP`].
pub fn options(clock: &ManualClock) -> AuthwardOptions {
    AuthwardOptions { clock: Some(Arc::new(clock.clone())), hash_params: CHEAP, ..AuthwardOptions::default() }
}

/// A service on the memory store.
pub fn memory() -> Env {
    let clock = ManualClock::new(T0);
    Env { aw: Authward::in_memory(options(&clock)).unwrap(), clock, _dir: None }
}

/// A service on a new SQLite file.
pub fn sqlite() -> Env {
    let clock = ManualClock::new(T0);
    let dir = tempfile::tempdir().unwrap();
    let aw = Authward::open(dir.path().join("aw.db"), &KEY, options(&clock)).unwrap();
    Env { aw, clock, _dir: Some(dir) }
}

/// A service on a fresh PostgreSQL schema, or `None` without a server.
pub fn postgres() -> Option<Env> {
    #[cfg(feature = "postgres")]
    if let Some(url) = crate::pg::url() {
        let clock = ManualClock::new(T0);
        let aw = Authward::open(crate::pg::fresh_url(&url, "svc"), &KEY, options(&clock)).unwrap();
        return Some(Env { aw, clock, _dir: None });
    }
    #[cfg(not(feature = "postgres"))]
    let _ = crate::pg::url;
    None
}

/// `name(env) { body }` items become one test per store: `memory_store::name`, `sqlite_store::name`
/// and `postgres_store::name`.
macro_rules! over_every_store {
    ($($name:ident($env:ident) $body:block)*) => {
        mod memory_store { use super::*; $( #[test] fn $name() { let $env = $crate::service_env::memory(); $body } )* }
        mod sqlite_store { use super::*; $( #[test] fn $name() { let $env = $crate::service_env::sqlite(); $body } )* }
        mod postgres_store {
            use super::*;
            $( #[test] fn $name() { let Some($env) = $crate::service_env::postgres() else { return }; $body } )*
        }
    };
}
