//! Every store under test, as factories of fresh empty stores: memory, SQLite and, when a server is
//! there (see pg.rs; tests/postgres/run.sh), PostgreSQL. The test file declares `mod pg` beside this
//! module. [`each`] runs a case over all of them and names the store in a failure.
#![allow(dead_code)]

use std::sync::Arc;

use authward::store::{MemoryStore, SqliteStore, Store};

/// Makes a fresh, empty store.
pub type Factory = Box<dyn Fn() -> Arc<dyn Store>>;

/// The stores under test; `tag` names the PostgreSQL schemas a file creates.
pub fn stores(tag: &'static str) -> Vec<(&'static str, Factory)> {
    #[allow(unused_mut)]
    let mut out: Vec<(&'static str, Factory)> = vec![
        ("memory", Box::new(|| Arc::new(MemoryStore::new()) as Arc<dyn Store>)),
        (
            "sqlite",
            Box::new(|| {
                let dir = tempfile::tempdir().unwrap();
                let store = SqliteStore::open(dir.path().join("s.db")).unwrap();
                std::mem::forget(dir); // kept until the process ends
                Arc::new(store) as Arc<dyn Store>
            }),
        ),
    ];
    #[cfg(not(feature = "postgres"))]
    {
        let _ = (tag, crate::pg::url);
        eprintln!("PostgreSQL cases SKIPPED: built without the postgres feature");
    }
    #[cfg(feature = "postgres")]
    if let Some(url) = crate::pg::url() {
        out.push((
            "postgres",
            Box::new(move || {
                Arc::new(authward::store::PostgresStore::open(&crate::pg::fresh_url(&url, tag)).unwrap())
                    as Arc<dyn Store>
            }),
        ));
    }
    out
}

/// Runs `case` on a fresh store of every kind, naming the store in a failure.
pub fn each(tag: &'static str, case: impl Fn(Arc<dyn Store>)) {
    for (name, make) in stores(tag) {
        let store = make();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(store)));
        if let Err(e) = result {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("store {name}: {}", msg.unwrap_or_default());
        }
    }
}
