//! The time rules of an account's policy: password expiry with its warning window, and the 2FA
//! enrolment deadline under enforcement. Pure functions of a few facts of a user and a time.

use super::AccountPolicy;

/// Seconds in a day: policies count days, the clock counts seconds.
pub const DAY: u64 = 86_400;

/// Expiry facts of a user's password under a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// When the password expires; `None` while the policy has no expiration.
    pub expires_at: Option<u64>,
    /// Whole days left (rounded up); 0 or negative once expired (days since expiry, negated).
    pub in_days: Option<i64>,
    /// Inside the warning window (or already expired).
    pub warning: bool,
    /// The password has expired.
    pub expired: bool,
}

/// The expiry of a password changed at `password_changed_at`, under `policy`, at `now`.
pub fn expiry(password_changed_at: u64, policy: &AccountPolicy, now: u64) -> Expiry {
    let Some(days) = policy.password_expiration_days else {
        return Expiry { expires_at: None, in_days: None, warning: false, expired: false };
    };
    let expires_at = password_changed_at.saturating_add(u64::from(days) * DAY);
    let in_days = if now >= expires_at {
        -i64::try_from((now - expires_at) / DAY).unwrap_or(i64::MAX)
    } else {
        i64::try_from((expires_at - now).div_ceil(DAY)).unwrap_or(i64::MAX)
    };
    Expiry {
        expires_at: Some(expires_at),
        in_days: Some(in_days),
        warning: in_days <= i64::from(policy.password_expiry_warning_days),
        expired: now >= expires_at,
    }
}

/// The moment a user without 2FA must have enrolled, when the policy enforces 2FA: the latest of the
/// user's creation, the moment enforcement was switched on and the policy's start date
/// (`enforce_two_factor_from`), plus the grace days. `None` when 2FA is not enforced or the user is
/// exempt.
pub fn enrollment_deadline(
    created_at: u64,
    enforced_since: Option<u64>,
    exempt: bool,
    policy: &AccountPolicy,
) -> Option<u64> {
    if !policy.enforce_two_factor || exempt {
        return None;
    }
    let start = created_at.max(enforced_since.unwrap_or(0)).max(policy.enforce_two_factor_from.unwrap_or(0));
    Some(start.saturating_add(u64::from(policy.two_factor_grace_days) * DAY))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(days: Option<u32>, warning: u32) -> AccountPolicy {
        AccountPolicy {
            password_expiration_days: days,
            password_expiry_warning_days: warning,
            ..AccountPolicy::new()
        }
    }

    #[test]
    fn no_expiration_means_never() {
        let e = expiry(0, &policy(None, 14), 10_000 * DAY);
        assert_eq!(e, Expiry { expires_at: None, in_days: None, warning: false, expired: false });
    }

    #[test]
    fn days_left_round_up_and_warning_window() {
        let p = policy(Some(90), 14);
        let e = expiry(0, &p, 0);
        assert_eq!((e.expires_at, e.in_days, e.warning, e.expired), (Some(90 * DAY), Some(90), false, false));
        let e = expiry(0, &p, 76 * DAY + 1);
        assert_eq!((e.in_days, e.warning), (Some(14), true));
        let e = expiry(0, &p, 76 * DAY - 1);
        assert_eq!((e.in_days, e.warning), (Some(15), false));
        let e = expiry(0, &p, 90 * DAY);
        assert_eq!((e.in_days, e.expired), (Some(0), true));
        let e = expiry(0, &p, 93 * DAY + 5);
        assert_eq!((e.in_days, e.expired), (Some(-3), true));
    }

    #[test]
    fn enrollment_deadline_starts_at_the_latest_of_creation_enforcement_and_start_date() {
        let mut p =
            AccountPolicy { enforce_two_factor: true, two_factor_grace_days: 7, ..AccountPolicy::new() };
        assert_eq!(enrollment_deadline(100, Some(50), false, &p), Some(100 + 7 * DAY));
        assert_eq!(enrollment_deadline(100, Some(500), false, &p), Some(500 + 7 * DAY));
        assert_eq!(enrollment_deadline(100, None, false, &p), Some(100 + 7 * DAY));
        // An exempt user has no deadline.
        assert_eq!(enrollment_deadline(100, Some(50), true, &p), None);
        // A start date later than both moves the deadline; an earlier one does not.
        p.enforce_two_factor_from = Some(10 * DAY);
        assert_eq!(enrollment_deadline(100, Some(500), false, &p), Some(10 * DAY + 7 * DAY));
        p.enforce_two_factor_from = Some(200);
        assert_eq!(enrollment_deadline(100, Some(500), false, &p), Some(500 + 7 * DAY));
        p.enforce_two_factor = false;
        assert_eq!(enrollment_deadline(100, Some(50), false, &p), None);
    }
}
