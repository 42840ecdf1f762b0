//! A named lease in the store: one holder at a time across instances. Taken when free or
//! expired, renewed by its holder every third of its term; a holder that dies is replaced once
//! its term runs out (30 s by default: within a minute).
//!
//! The holder counts its lease as held for five sixths of the term after each renewal, so that
//! it stops working before another instance may take over even with some clock skew (the
//! database's clock decides expiry on PostgreSQL).

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::time::Instant;

use crate::store::Store;

#[derive(Clone)]
pub struct Lease {
    inner: Arc<Inner>,
}

struct Inner {
    name: String,
    holder: Arc<str>,
    term: Duration,
    /// Held without asking the store (SQLite: one instance).
    always: bool,
    held_until: Mutex<Option<Instant>>,
}

impl Lease {
    pub fn new(name: &str, holder: &Arc<str>, term: Duration, always: bool) -> Self {
        Self {
            inner: Arc::new(Inner {
                name: name.to_owned(),
                holder: holder.clone(),
                term,
                always,
                held_until: Mutex::new(None),
            }),
        }
    }

    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// How often a holder renews and a waiting instance asks.
    pub fn every(&self) -> Duration {
        self.inner.term / 3
    }

    fn until(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        self.inner
            .held_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Takes or renews the lease; `true` when this instance holds it for another term. A store
    /// error leaves the lease as it was, held until its local deadline at most.
    pub async fn try_hold(&self, store: &Store) -> bool {
        if self.inner.always {
            return true;
        }
        let asked = Instant::now();
        let term_ms = self.inner.term.as_millis() as i64;
        let taken = match store.clock_ms().await {
            Ok(now) => {
                store
                    .take_lease(&self.inner.name, &self.inner.holder, now, now + term_ms)
                    .await
            }
            Err(e) => Err(e),
        };
        match taken {
            Ok(true) => {
                let was = self.until().replace(asked + self.inner.term * 5 / 6);
                if was.is_none_or(|t| t < asked) {
                    tracing::info!(lease = %self.inner.name, holder = %self.inner.holder, "lease taken");
                }
                true
            }
            Ok(false) => {
                *self.until() = None;
                false
            }
            Err(e) => {
                tracing::warn!(lease = %self.inner.name, error = %e, "lease not renewed: store unavailable");
                self.held()
            }
        }
    }

    /// Whether this instance may do the lease's work now.
    pub fn held(&self) -> bool {
        self.inner.always || self.until().is_some_and(|t| Instant::now() < t)
    }

    /// Gives the lease up, so another instance takes it at once.
    pub async fn release(&self, store: &Store) {
        if self.inner.always {
            return;
        }
        *self.until() = None;
        if let Err(e) = store
            .release_lease(&self.inner.name, &self.inner.holder)
            .await
        {
            tracing::warn!(lease = %self.inner.name, error = %e, "lease not released");
        }
    }
}
