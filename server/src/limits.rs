//! Per-key sliding-window limits in this process's memory: uncached catalog lookups per client
//! address. (The SMS-code and booking limits are shared by every instance:
//! `cluster::limits`.)

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// One key's recent hits: when, and how many.
type Hits = VecDeque<(Instant, u64)>;

#[derive(Clone)]
pub struct Limiter {
    max: usize,
    window: Duration,
    hits: Arc<Mutex<HashMap<String, Hits>>>,
}

impl Limiter {
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max,
            window,
            hits: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Whether `key` has used up its limit (nothing is recorded).
    pub fn over(&self, key: &str) -> bool {
        let now = Instant::now();
        let hits = self.hits.lock().expect("limiter lock");
        hits.get(key).is_some_and(|q| {
            q.iter()
                .filter(|(t, _)| now.duration_since(*t) < self.window)
                .count()
                >= self.max
        })
    }

    /// Records a hit for `key`; `false` when the key is over its limit (the hit is not counted).
    pub fn allow(&self, key: &str) -> bool {
        self.allow_distinct(key, 0)
    }

    /// Like [`allow`](Self::allow), but a repeat of the same `what` (a retried request with the
    /// same Idempotency-Key) within the window is allowed without counting. `what` 0 counts
    /// every hit.
    pub fn allow_distinct(&self, key: &str, what: u64) -> bool {
        let now = Instant::now();
        let mut hits = self.hits.lock().expect("limiter lock");
        if hits.len() > 100_000 {
            hits.retain(|_, q| {
                q.back()
                    .is_some_and(|(t, _)| now.duration_since(*t) < self.window)
            });
        }
        let q = hits.entry(key.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) >= self.window)
        {
            q.pop_front();
        }
        if what != 0 && q.iter().any(|(_, w)| *w == what) {
            return true;
        }
        if q.len() >= self.max {
            return false;
        }
        q.push_back((now, what));
        true
    }
}

/// The in-process limits of the booking API.
#[derive(Clone)]
pub struct Limits {
    /// Catalog lookups per client IP that miss the cache and so spend the salon's YCLIENTS
    /// budget (200 calls a minute, shared by every visitor). A visitor's whole flow misses a
    /// few dozen times at most (cache hits are free); a script walking service, master and day
    /// combinations to exhaust the budget is stopped here.
    pub lookup_ip: Limiter,
    /// Webhook posts with a wrong secret per address.
    pub webhook_guesses: Limiter,
    /// Tracker events per address, per visitor and per site a day (`[ingest]`).
    pub ingest: crate::ingest::quota::IngestQuota,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            lookup_ip: Limiter::new(120, Duration::from_secs(600)),
            webhook_guesses: Limiter::new(10, Duration::from_secs(600)),
            ingest: Default::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_over_its_limit_is_refused_until_the_window_passes() {
        let l = Limiter::new(2, Duration::from_millis(50));
        assert!(l.allow("a") && l.allow("a"));
        assert!(!l.allow("a"));
        assert!(l.allow("b"));
        std::thread::sleep(Duration::from_millis(60));
        assert!(l.allow("a"));
    }

    #[test]
    fn repeats_of_one_request_do_not_use_up_the_limit() {
        let l = Limiter::new(2, Duration::from_secs(60));
        for _ in 0..50 {
            assert!(l.allow_distinct("ip", 7));
        }
        assert!(l.allow_distinct("ip", 8));
        assert!(!l.allow_distinct("ip", 9));
    }
}
