//! The SMS-code and booking limits, counted in the store so that every instance sees the same
//! hits: a client who spreads attempts over N instances still gets one allowance. Keys are
//! hashed (no address or phone number is stored). The limit on uncached catalog lookups stays in
//! each process (`crate::limits`): it guards the YCLIENTS budget, which is itself shared.

use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::store::Store;

/// One shared sliding-window limit.
#[derive(Clone)]
pub struct SharedLimiter {
    store: Store,
    scope: &'static str,
    max: i64,
    window: Duration,
}

impl SharedLimiter {
    pub fn new(store: &Store, scope: &'static str, max: i64, window: Duration) -> Self {
        Self {
            store: store.clone(),
            scope,
            max,
            window,
        }
    }

    /// Records a hit for `key`; `false` when the key is over its limit (not counted).
    pub async fn allow(&self, key: &str) -> Result<bool, sqlx::Error> {
        self.allow_distinct(key, 0).await
    }

    /// Like [`allow`](Self::allow), but a repeat of the same `what` (a retried request with
    /// the same Idempotency-Key) within the window is allowed without counting.
    pub async fn allow_distinct(&self, key: &str, what: u64) -> Result<bool, sqlx::Error> {
        let hashed = crate::util::crypto::hex(&Sha256::digest(
            format!("zapis-limit:{}:{key}", self.scope).as_bytes(),
        ))[..32]
            .to_owned();
        self.store
            .limit_hit(
                self.scope,
                &hashed,
                // The column is signed; the fingerprint's bits are what matter.
                what as i64,
                self.max,
                self.window.as_millis() as i64,
            )
            .await
    }
}

/// The booking API's shared limits.
#[derive(Clone)]
pub struct SharedLimits {
    /// Booking attempts per client address.
    pub booking_ip: SharedLimiter,
    /// Booking attempts per visitor id.
    pub booking_visitor: SharedLimiter,
    /// SMS code requests per address and per phone.
    pub code_ip: SharedLimiter,
    pub code_phone: SharedLimiter,
    /// The cabinet: one SMS code per phone a minute (the resend cooldown).
    pub cabinet_resend: SharedLimiter,
    /// The cabinet: sign-in guesses (SMS codes, passwords) per address and per phone or email.
    pub cabinet_guess_ip: SharedLimiter,
    pub cabinet_guess_id: SharedLimiter,
}

impl SharedLimits {
    pub fn new(store: &Store) -> Self {
        let ten_minutes = Duration::from_secs(600);
        Self {
            booking_ip: SharedLimiter::new(store, "booking_ip", 30, ten_minutes),
            booking_visitor: SharedLimiter::new(store, "booking_visitor", 10, ten_minutes),
            code_ip: SharedLimiter::new(store, "code_ip", 10, ten_minutes),
            code_phone: SharedLimiter::new(store, "code_phone", 3, ten_minutes),
            cabinet_resend: SharedLimiter::new(
                store,
                "cabinet_resend",
                1,
                Duration::from_secs(u64::from(crate::cabinet::session::RESEND_SECS)),
            ),
            cabinet_guess_ip: SharedLimiter::new(store, "cabinet_guess_ip", 20, ten_minutes),
            cabinet_guess_id: SharedLimiter::new(store, "cabinet_guess_id", 5, ten_minutes),
        }
    }
}
