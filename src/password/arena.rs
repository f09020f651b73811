//! The process-wide, bounded pool of Argon2 arenas (issue 16).
//!
//! An Argon2 hash needs `m` KiB of memory (19 MiB at the default parameters). Fresh pages cost a
//! third of the hash in page faults on this kind of machine, so the memory is reused; but one arena
//! per thread made the first hash on every new thread slow and kept `threads × m` resident for good
//! (2 GiB for a 32-thread server at m = 64 MiB), for hashing that at most `cores` threads can run at
//! once. Instead, every hash in the process (stateless primitives, the service, the C, Python and
//! Node bindings: they all call the core) borrows an arena from one pool:
//!
//! * a hash checks out the smallest idle arena big enough for its `m` (or, if none is, the largest
//!   idle one, which grows; or a new one) and gives it back afterwards: any thread reuses any arena;
//! * the pool's lock is held only to pick and to put back, never while hashing;
//! * the engine wipes the blocks a hash used before the arena goes back (`argon2-rust`'s
//!   `zeroize-memory` feature, enabled explicitly in Cargo.toml), so no password-derived state waits
//!   in the pool;
//! * at most [`PoolConfig::max_idle`] arenas stay idle (default: the number of CPUs, or the
//!   `AUTHWARD_ARGON2_IDLE_ARENAS` environment variable read once at first use), none larger than
//!   [`PoolConfig::max_idle_arena_kib`]; the rest are released to the OS when they come back.
//!
//! While `n` hashes run at once the process holds `n` arenas; once they are done it holds at most
//! `max_idle`. [`configure`] changes the bounds, [`stats`] reports what the pool holds and has done,
//! [`release_idle`] frees every idle arena (for a process going quiet).

use std::sync::{Mutex, MutexGuard, OnceLock};

use argon2_rust::{Argon2, Hasher};

/// Bounds of the arena pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PoolConfig {
    /// Most arenas kept idle between hashes (0: every arena is released after its hash).
    /// Default: the number of CPUs.
    pub max_idle: usize,
    /// Largest arena kept idle, in KiB; a larger one is released after its hash. Default
    /// [`PoolConfig::DEFAULT_MAX_IDLE_ARENA_KIB`].
    pub max_idle_arena_kib: u64,
}

impl PoolConfig {
    /// 256 MiB: above RFC 9106's 64 MiB option and any default here, below its 2 GiB one.
    pub const DEFAULT_MAX_IDLE_ARENA_KIB: u64 = 256 * 1024;
    /// The environment variable that sets [`PoolConfig::max_idle`] for the whole process (read once,
    /// when the first hash is computed; every binding honours it since the pool is in the core).
    pub const ENV_MAX_IDLE: &'static str = "AUTHWARD_ARGON2_IDLE_ARENAS";

    /// The defaults: `max_idle` = the number of CPUs, `max_idle_arena_kib` = 256 MiB.
    pub fn new() -> PoolConfig {
        PoolConfig {
            max_idle: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
            max_idle_arena_kib: Self::DEFAULT_MAX_IDLE_ARENA_KIB,
        }
    }

    /// The defaults with [`Self::ENV_MAX_IDLE`] applied when it is set to a number.
    fn from_env() -> PoolConfig {
        let mut config = PoolConfig::new();
        if let Some(n) = std::env::var(Self::ENV_MAX_IDLE).ok().and_then(|v| v.trim().parse().ok()) {
            config.max_idle = n;
        }
        config
    }
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig::new()
    }
}

/// What the pool holds now and what it has done since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PoolStats {
    /// Arenas idle in the pool now.
    pub idle: usize,
    /// Their total size in KiB.
    pub idle_kib: u64,
    /// Arenas checked out by hashes running now.
    pub in_use: usize,
    /// Hashes that found no idle arena and started a new one.
    pub created: u64,
    /// Hashes served by an idle arena big enough.
    pub reused: u64,
    /// Hashes that took an idle arena too small for them, which grew.
    pub grown: u64,
    /// Arenas released to the OS because they were over a bound when they came back.
    pub released: u64,
}

/// An arena pool. The process has one ([`global`]); tests build their own.
pub(crate) struct Pool {
    state: Mutex<State>,
}

struct State {
    config: PoolConfig,
    idle: Vec<Hasher>,
    stats: PoolStats,
}

fn kib(hasher: &Hasher) -> u64 {
    hasher.reserved_blocks() as u64
}

impl Pool {
    pub(crate) fn new(config: PoolConfig) -> Pool {
        Pool { state: Mutex::new(State { config, idle: Vec::new(), stats: PoolStats::default() }) }
    }

    /// The state, also after a panic elsewhere while it was held (it is consistent at every unlock).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` with an arena for `argon2`, borrowed from the pool and given back afterwards. The
    /// lock is not held while `f` runs.
    pub(crate) fn with_hasher<R>(&self, argon2: Argon2, f: impl FnOnce(&mut Hasher) -> R) -> R {
        let mut hasher = self.check_out(argon2);
        // If `f` panics, the count of arenas in use is corrected and the arena is dropped (wiped).
        let unwinding = InUse(self);
        let result = f(&mut hasher);
        std::mem::forget(unwinding);
        self.give_back(hasher);
        result
    }

    fn check_out(&self, argon2: Argon2) -> Hasher {
        let needed = u64::from(argon2.params().memory_blocks());
        let mut state = self.lock();
        state.stats.in_use += 1;
        // The smallest idle arena big enough; failing that, the largest one (it grows).
        let fits = (0..state.idle.len())
            .filter(|&i| kib(&state.idle[i]) >= needed)
            .min_by_key(|&i| kib(&state.idle[i]));
        let pick = fits.or_else(|| (0..state.idle.len()).max_by_key(|&i| kib(&state.idle[i])));
        match pick {
            Some(i) => {
                let mut hasher = state.idle.swap_remove(i);
                if fits.is_some() {
                    state.stats.reused += 1;
                } else {
                    state.stats.grown += 1;
                }
                drop(state);
                hasher.set_argon2(argon2);
                hasher
            }
            None => {
                state.stats.created += 1;
                drop(state);
                argon2.hasher()
            }
        }
    }

    fn give_back(&self, hasher: Hasher) {
        let mut state = self.lock();
        state.stats.in_use -= 1;
        let mut surplus = Vec::new();
        if state.config.max_idle == 0 || kib(&hasher) > state.config.max_idle_arena_kib {
            surplus.push(hasher);
        } else {
            state.idle.push(hasher);
        }
        surplus.extend(state.trim());
        drop(state);
        // Unmapped outside the lock (the engine already wiped what the hash used).
        drop(surplus);
    }

    pub(crate) fn configure(&self, config: PoolConfig) {
        let surplus = {
            let mut state = self.lock();
            state.config = config;
            state.trim()
        };
        drop(surplus);
    }

    pub(crate) fn stats(&self) -> PoolStats {
        let state = self.lock();
        PoolStats { idle: state.idle.len(), idle_kib: state.idle.iter().map(kib).sum(), ..state.stats }
    }

    pub(crate) fn release_idle(&self) {
        let idle = std::mem::take(&mut self.lock().idle);
        drop(idle);
    }
}

impl State {
    /// Takes out what is over the bounds: arenas over the size limit, then the smallest ones while
    /// more than `max_idle` are idle (the larger ones can serve any hash).
    fn trim(&mut self) -> Vec<Hasher> {
        let limit = self.config.max_idle_arena_kib;
        let (keep, mut surplus): (Vec<Hasher>, Vec<Hasher>) =
            std::mem::take(&mut self.idle).into_iter().partition(|h| kib(h) <= limit);
        self.idle = keep;
        self.idle.sort_by_key(|h| std::cmp::Reverse(kib(h)));
        let max_idle = self.config.max_idle;
        if self.idle.len() > max_idle {
            surplus.extend(self.idle.drain(max_idle..));
        }
        self.stats.released += surplus.len() as u64;
        surplus
    }
}

/// Counts a checked-out arena back when its hash panics (the arena itself is then dropped: never
/// returned to the pool, and wiped by the engine's `Drop`).
struct InUse<'p>(&'p Pool);

impl Drop for InUse<'_> {
    fn drop(&mut self) {
        self.0.lock().stats.in_use -= 1;
    }
}

/// The process-wide pool every hash uses.
pub(crate) fn global() -> &'static Pool {
    static POOL: OnceLock<Pool> = OnceLock::new();
    POOL.get_or_init(|| Pool::new(PoolConfig::from_env()))
}

/// Sets the bounds of the process-wide pool; idle arenas over the new bounds are released now.
pub fn configure(config: PoolConfig) {
    global().configure(config);
}

/// The bounds of the process-wide pool.
pub fn config() -> PoolConfig {
    global().lock().config
}

/// What the process-wide pool holds and has done.
pub fn stats() -> PoolStats {
    global().stats()
}

/// Releases every idle arena of the process-wide pool (the next hash allocates again).
pub fn release_idle() {
    global().release_idle();
}

#[cfg(test)]
mod tests {
    use argon2_rust::params::Memory;
    use argon2_rust::{Algorithm, Params, Version};

    use super::*;

    fn argon2(m_kib: u64) -> Argon2 {
        let params = Params::builder().memory(Memory::kib(m_kib)).passes(1).lanes(1).build().unwrap();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }

    fn hash(pool: &Pool, m_kib: u64) -> Vec<u8> {
        pool.with_hasher(argon2(m_kib), |h| h.hash(b"password", b"somesalt").unwrap())
    }

    fn config(max_idle: usize) -> PoolConfig {
        PoolConfig { max_idle, max_idle_arena_kib: PoolConfig::DEFAULT_MAX_IDLE_ARENA_KIB }
    }

    #[test]
    fn an_arena_is_reused_across_threads_and_gives_the_same_tags() {
        let pool = Pool::new(config(2));
        let first = hash(&pool, 256);
        let s = pool.stats();
        assert_eq!((s.created, s.reused, s.idle, s.idle_kib, s.in_use), (1, 0, 1, 256, 0));
        // Another thread takes the same arena instead of allocating one.
        let second = std::thread::scope(|scope| scope.spawn(|| hash(&pool, 256)).join().unwrap());
        assert_eq!(first, second);
        assert_eq!(argon2(256).hash(b"password", b"somesalt").unwrap(), first, "pooled = unpooled");
        let s = pool.stats();
        assert_eq!((s.created, s.reused, s.idle), (1, 1, 1));
    }

    #[test]
    fn the_smallest_big_enough_arena_is_taken_and_a_small_one_grows() {
        let pool = Pool::new(config(4));
        // Two arenas at once: 64 and 512 KiB.
        pool.with_hasher(argon2(64), |h| {
            h.hash(b"password", b"somesalt").unwrap();
            hash(&pool, 512)
        });
        assert_eq!(pool.stats().idle_kib, 576);
        // A 64 KiB hash takes the 64 KiB arena (the 512 stays idle), a 256 KiB one the 512.
        pool.with_hasher(argon2(64), |_| {
            assert_eq!(pool.stats().idle_kib, 512);
        });
        pool.with_hasher(argon2(256), |_| {
            assert_eq!(pool.stats().idle_kib, 64);
        });
        // A 1024 KiB hash grows the largest idle arena instead of allocating a third.
        hash(&pool, 1024);
        let s = pool.stats();
        assert_eq!((s.created, s.grown, s.idle, s.idle_kib), (2, 1, 2, 64 + 1024));
    }

    #[test]
    fn at_most_max_idle_arenas_are_kept_and_the_rest_released() {
        let pool = Pool::new(config(2));
        // Five hashes at once (nested, so all five arenas are out together).
        fn nest(pool: &Pool, depth: usize) {
            if depth > 0 {
                pool.with_hasher(argon2(64), |_| nest(pool, depth - 1));
            }
        }
        nest(&pool, 5);
        let s = pool.stats();
        assert_eq!((s.created, s.idle, s.released, s.in_use), (5, 2, 3, 0));
        // Lowering the bound releases now; 0 keeps nothing.
        pool.configure(config(1));
        assert_eq!(pool.stats().idle, 1);
        pool.configure(config(0));
        hash(&pool, 64);
        let s = pool.stats();
        assert_eq!((s.idle, s.released), (0, 5));
    }

    #[test]
    fn an_arena_over_the_size_bound_is_released_after_its_hash() {
        let pool = Pool::new(PoolConfig { max_idle: 2, max_idle_arena_kib: 128 });
        hash(&pool, 256);
        assert_eq!(pool.stats().idle, 0);
        hash(&pool, 128);
        assert_eq!(pool.stats().idle_kib, 128);
        pool.release_idle();
        assert_eq!(pool.stats().idle, 0);
    }

    #[test]
    fn a_panicking_hash_does_not_return_its_arena_or_leak_the_count() {
        let pool = Pool::new(config(2));
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.with_hasher(argon2(64), |_| panic!("inside a hash"))
        }));
        assert!(r.is_err());
        let s = pool.stats();
        assert_eq!((s.idle, s.in_use), (0, 0));
        hash(&pool, 64);
        assert_eq!(pool.stats().idle, 1);
    }

    #[test]
    fn the_lock_is_not_held_while_hashing() {
        let pool = Pool::new(config(2));
        // While one hash is in progress, the pool answers (stats, another hash) without waiting.
        pool.with_hasher(argon2(64), |_| {
            assert_eq!(pool.stats().in_use, 1);
            std::thread::scope(|scope| scope.spawn(|| hash(&pool, 64)).join().unwrap());
        });
        assert_eq!(pool.stats().created, 2);
    }
}
