//! Cognito's lockout for failed sign-in attempts, as its developer guide describes it: after five
//! failed attempts a user is locked out for one second, and every further failure doubles the
//! lockout (`2^(n-5)` seconds after `n` failures), up to about 15 minutes. Attempts during a
//! lockout are refused with `NotAuthorizedException "Password attempts exceeded"` and do not count.
//! A success resets the count, and so do 15 minutes without any attempt.
//!
//! The emulator keeps two of these per user: one for passwords, one for the codes of a sign-in
//! (MFA and one-time passwords), since Cognito starts the same lockout after five wrong MFA codes.

use serde::{Deserialize, Serialize};

use crate::protocol::{not_authorized, ApiError};

/// Failures allowed before the first lockout.
pub const FREE_ATTEMPTS: u32 = 5;
/// The longest lockout, and the idle time after which the count starts again.
pub const MAX_LOCKOUT_SECS: u64 = 15 * 60;
/// What a locked-out attempt gets.
pub const LOCKED_MESSAGE: &str = "Password attempts exceeded";

/// The failed-attempt count of one user (or of one unknown username; see
/// `PreventUserExistenceErrors`) for one kind of secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lockout {
    /// Failed attempts since the last success (attempts refused while locked do not count).
    pub failures: u32,
    /// No attempt is looked at before this time (Unix seconds).
    pub locked_until: u64,
    /// The last attempt, refused ones included.
    pub last_attempt: u64,
}

impl Lockout {
    /// Called before a secret is looked at: refuses the attempt while locked out.
    pub fn check(&mut self, now: u64) -> Result<(), ApiError> {
        if self.failures > 0 && now >= self.last_attempt.saturating_add(MAX_LOCKOUT_SECS) {
            *self = Lockout::default();
        }
        self.last_attempt = now;
        if now < self.locked_until {
            return Err(not_authorized(LOCKED_MESSAGE));
        }
        Ok(())
    }

    /// Records a wrong secret; from the fifth on, locks out for `2^(n-5)` seconds (capped).
    pub fn failed(&mut self, now: u64) {
        self.failures = self.failures.saturating_add(1);
        self.last_attempt = now;
        if self.failures >= FREE_ATTEMPTS {
            let exp = (self.failures - FREE_ATTEMPTS).min(20);
            let secs = (1u64 << exp).min(MAX_LOCKOUT_SECS);
            self.locked_until = now + secs;
        }
    }

    /// Records a right secret.
    pub fn succeeded(&mut self) {
        *self = Lockout::default();
    }
}

/// The two lockouts of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Lockouts {
    /// Passwords (PASSWORD_VERIFIER, USER_PASSWORD_AUTH, USER_AUTH PASSWORD).
    pub password: Lockout,
    /// Codes answered during sign-in (SMS / e-mail / TOTP MFA, one-time passwords).
    pub code: Lockout,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_free_failures_then_doubling_lockouts_capped() {
        let mut l = Lockout::default();
        let t = 1_000_000;
        for _ in 0..4 {
            l.check(t).unwrap();
            l.failed(t);
        }
        l.check(t).unwrap();
        l.failed(t); // fifth failure: locked for 1 s
        assert_eq!(l.check(t).unwrap_err().message, LOCKED_MESSAGE);
        assert_eq!(l.failures, 5, "refused attempts do not count");
        l.check(t + 1).unwrap();
        l.failed(t + 1); // sixth: 2 s
        assert!(l.check(t + 2).is_err());
        l.check(t + 3).unwrap();
        l.failed(t + 3); // seventh: 4 s
        assert!(l.check(t + 6).is_err());
        l.check(t + 7).unwrap();
        for _ in 0..20 {
            l.failed(t + 7);
        }
        assert_eq!(l.locked_until, t + 7 + MAX_LOCKOUT_SECS);
        l.succeeded();
        assert_eq!(l, Lockout::default());
    }

    #[test]
    fn fifteen_idle_minutes_reset_the_count() {
        let mut l = Lockout::default();
        for _ in 0..6 {
            l.failed(100);
        }
        assert!(l.check(101).is_err());
        // The refused attempt at 101 counts as activity: idle from there.
        assert!(l.check(101 + MAX_LOCKOUT_SECS).is_ok());
        assert_eq!(l.failures, 0);
    }
}
