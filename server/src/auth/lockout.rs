//! Lock-out after repeated failed logins: per account and per client IP, in the store (so every
//! server instance counts the same failures). The IP is kept only as a hash.

use sha2::{Digest, Sha256};

use crate::store::Store;

/// Failures are counted over this window; a lock lasts until enough of them age out of it.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failures allowed per account within the window.
pub const ACCOUNT_MAX: usize = 5;
/// Failures allowed per IP within the window (several accounts tried from one place).
pub const IP_MAX: usize = 20;

fn account_key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(64).collect()
}

fn ip_key(ip: &str) -> String {
    crate::util::crypto::hex(&Sha256::digest(format!("zapis-login-ip:{ip}").as_bytes()))[..32]
        .to_owned()
}

/// When the lock ends (ms), if `failures` (oldest first) reach `max` within the window.
fn locked_until(failures: &[i64], max: usize) -> Option<i64> {
    (failures.len() >= max).then(|| failures[failures.len() - max] + WINDOW_MS)
}

/// `Some(until)` when the account or the IP is locked now.
pub async fn locked(
    store: &Store,
    login: &str,
    ip: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let since = now - WINDOW_MS;
    let account = store
        .login_failures("account", &account_key(login), since)
        .await?;
    let by_ip = store.login_failures("ip", &ip_key(ip), since).await?;
    Ok(locked_until(&account, ACCOUNT_MAX).max(locked_until(&by_ip, IP_MAX)))
}

pub async fn failed(store: &Store, login: &str, ip: &str, now: i64) -> Result<(), sqlx::Error> {
    store
        .add_login_failure("account", &account_key(login), now)
        .await?;
    store.add_login_failure("ip", &ip_key(ip), now).await?;
    store.purge_owner_state(now, now - WINDOW_MS).await
}

pub async fn succeeded(store: &Store, login: &str, now: i64) -> Result<(), sqlx::Error> {
    store
        .clear_login_failures("account", &account_key(login))
        .await?;
    store.purge_owner_state(now, now - WINDOW_MS).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_lasts_until_the_oldest_counted_failure_leaves_the_window() {
        assert_eq!(locked_until(&[1, 2, 3, 4], 5), None);
        assert_eq!(locked_until(&[1, 2, 3, 4, 5], 5), Some(1 + WINDOW_MS));
        assert_eq!(locked_until(&[1, 2, 3, 4, 5, 6], 5), Some(2 + WINDOW_MS));
    }
}
