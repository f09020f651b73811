//! The OS CSPRNG, the only source of randomness in authward.

use crate::error::{Error, Result};

/// Fills `buf` from the operating system's CSPRNG (`getrandom`).
pub(crate) fn fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::Crypto(format!("the OS random number generator failed: {e}")))
}

/// `N` random bytes.
pub(crate) fn bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    fill(&mut buf)?;
    Ok(buf)
}
