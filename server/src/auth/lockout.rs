//! Failed logins, counted in the store (so every instance counts the same). Each attempt is
//! recorded before the password is checked, one login at a time, so parallel attempts cannot
//! slip past a limit: of 60 at once, 5 are checked.
//!
//! - Per (login, client address): [`PAIR_MAX`] attempts in [`WINDOW_MS`]; past that, that address
//!   is refused for that login. A stranger's failures never lock the owner's own address.
//! - Per address, any login: [`ADDR_MAX`] in the window (one place trying many accounts).
//! - Per login as a whole: after [`ACCOUNT_FREE`] checked failures in the window the account is
//!   slowed, not locked: one checked attempt per [`account_delay`], the rest answered 429 with
//!   `Retry-After`, so the owner gets in once she waits a moment.
//! - A browser where the owner signed in before (a signed "known device" cookie, see
//!   [`super::device`]) is counted on its own and never slowed by strangers.
//! - `zapis unlock LOGIN` forgets the login's attempts.
//!
//! Client addresses are kept only as HMACs under the server's key ([`ServerKeys::address`]).

use super::keys::ServerKeys;
use crate::store::{AttemptCounts, NewAttempt, Store};

/// Attempts are counted over this window.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Attempts allowed per (login, address) or per known device within the window.
pub const PAIR_MAX: usize = 5;
/// Attempts allowed per address over all logins within the window.
pub const ADDR_MAX: usize = 20;
/// Checked failures of one login (from anywhere) before the account is slowed.
pub const ACCOUNT_FREE: i64 = 10;

/// Spacing between checked attempts on a slowed account: 250 ms after [`ACCOUNT_FREE`]
/// failures, doubling every 5 more, at most a minute.
pub fn account_delay(failures: i64) -> i64 {
    let over = (failures - ACCOUNT_FREE).max(0) / 5;
    (250i64 << over.min(8)).min(60_000)
}

pub fn login_key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(64).collect()
}

/// Where an attempt comes from.
pub struct Source<'a> {
    pub ip: &'a str,
    /// The login's verified known-device id, when the browser sent one.
    pub device: Option<&'a str>,
}

/// What to do with an attempt.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    /// Check the password, then report with [`failed`] or [`succeeded`].
    Check(Attempt),
    /// Refused unchecked; try again after this many ms.
    Refused { retry_after_ms: i64 },
}

#[derive(Debug, PartialEq, Eq)]
pub struct Attempt {
    id: i64,
    login: String,
    subject: String,
}

/// Records the attempt, then decides whether to check it.
pub async fn begin(
    store: &Store,
    keys: &ServerKeys,
    login: &str,
    from: &Source<'_>,
    now: i64,
) -> Result<Gate, sqlx::Error> {
    let login = login_key(login);
    let addr = keys.address(from.ip);
    let subject = match from.device {
        Some(d) => format!("d:{}", &keys.mac("known-device", &[d])[..32]),
        None => format!("a:{addr}"),
    };
    let attempt = NewAttempt {
        login: &login,
        subject: &subject,
        addr: &addr,
        at: now,
        since: now - WINDOW_MS,
    };
    let known = from.device.is_some();
    let (id, refused) = store
        .record_login_attempt(&attempt, |c| decide(c, known, now))
        .await?;
    Ok(match refused {
        Some(retry_after_ms) => Gate::Refused { retry_after_ms },
        None => Gate::Check(Attempt { id, login, subject }),
    })
}

/// `Some(retry_after_ms)` when an attempt after these is refused.
fn decide(c: &AttemptCounts, known_device: bool, now: i64) -> Option<i64> {
    if let Some(until) = full(&c.pair, PAIR_MAX) {
        return Some(until - now);
    }
    if known_device {
        return None;
    }
    if let Some(until) = full(&c.addr, ADDR_MAX) {
        return Some(until - now);
    }
    if c.account_failed >= ACCOUNT_FREE {
        let delay = account_delay(c.account_failed);
        if let Some(last) = c.last_checked.filter(|&t| t > now - delay) {
            return Some(last + delay - now);
        }
    }
    None
}

/// When the window will have room for another of `times` (oldest first), if it holds `max`.
fn full(times: &[i64], max: usize) -> Option<i64> {
    (times.len() >= max).then(|| times[times.len() - max] + WINDOW_MS)
}

/// The password was wrong.
pub async fn failed(store: &Store, attempt: Attempt) -> Result<(), sqlx::Error> {
    store.set_login_attempt_state(attempt.id, "failed").await
}

/// The password was right: this address's (or device's) count on the login starts again.
pub async fn succeeded(store: &Store, attempt: Attempt, now: i64) -> Result<(), sqlx::Error> {
    store
        .clear_login_attempts(&attempt.login, &attempt.subject)
        .await?;
    store.purge_owner_state(now, now - WINDOW_MS).await
}

/// `zapis unlock LOGIN`: forgets every attempt on the login; how many there were.
pub async fn unlock(store: &Store, login: &str) -> Result<u64, sqlx::Error> {
    store.unlock_login(&login_key(login)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_lasts_until_enough_attempts_leave_the_window() {
        assert_eq!(full(&[1, 2, 3, 4], 5), None);
        assert_eq!(full(&[1, 2, 3, 4, 5], 5), Some(1 + WINDOW_MS));
        assert_eq!(full(&[1, 2, 3, 4, 5, 6], 5), Some(2 + WINDOW_MS));
    }

    #[test]
    fn a_slowed_account_waits_longer_the_more_it_is_attacked_but_never_over_a_minute() {
        assert_eq!(account_delay(10), 250);
        assert_eq!(account_delay(15), 500);
        assert_eq!(account_delay(50), 60_000);
        assert_eq!(account_delay(10_000), 60_000);
    }
}
