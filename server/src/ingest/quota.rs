//! What one client may send to `/api/v1/t` (issue #20 item 4): token buckets of events per
//! client address and per visitor, and a daily quota of events per site (UTC day) with a metric
//! when it bites. In memory, per instance, like the other abuse limits.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use serde::Deserialize;

/// `[ingest]` in the config.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IngestSettings {
    /// Events a minute one client address may send on average…
    pub address_events_per_minute: u32,
    /// …and at once (a burst).
    pub address_burst: u32,
    /// The same for one visitor id.
    pub visitor_events_per_minute: u32,
    pub visitor_burst: u32,
    /// Events a site may store in one UTC day; past it beacons are refused until midnight.
    pub site_daily_events: u64,
    /// Days events (and sessions, visitors, failed bookings' personal data, processed webhook
    /// deliveries) are kept; about 13 months by default.
    pub retention_days: u32,
}

impl Default for IngestSettings {
    fn default() -> Self {
        Self {
            address_events_per_minute: 600,
            address_burst: 1_000,
            visitor_events_per_minute: 120,
            visitor_burst: 300,
            site_daily_events: 500_000,
            retention_days: 396,
        }
    }
}

/// Why a batch was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Address,
    Visitor,
    SiteQuota,
}

impl Refusal {
    pub fn label(self) -> &'static str {
        match self {
            Refusal::Address => "address",
            Refusal::Visitor => "visitor",
            Refusal::SiteQuota => "site_quota",
        }
    }
}

/// Token buckets by key: `rate` tokens a second up to `burst`.
#[derive(Clone)]
struct Buckets {
    rate: f64,
    burst: f64,
    state: Arc<Mutex<HashMap<String, (f64, Instant)>>>,
}

impl Buckets {
    fn new(per_minute: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(per_minute) / 60.0,
            burst: f64::from(burst.max(1)),
            state: Arc::default(),
        }
    }

    /// Takes `n` tokens for `key` if it has them.
    fn take(&self, key: &str, n: f64, now: Instant) -> bool {
        let mut state = self.state.lock().expect("bucket lock");
        if state.len() > 200_000 {
            // Full buckets are the same as absent ones.
            state.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * self.rate < self.burst
            });
        }
        let (tokens, at) = state.entry(key.to_owned()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= n {
            *tokens -= n;
            true
        } else {
            false
        }
    }
}

#[derive(Clone)]
pub struct IngestQuota {
    address: Buckets,
    visitor: Buckets,
    daily_max: u64,
    /// Site → (UTC day number, events stored that day).
    daily: Arc<Mutex<HashMap<String, (i64, u64)>>>,
}

impl Default for IngestQuota {
    fn default() -> Self {
        Self::new(&IngestSettings::default())
    }
}

impl IngestQuota {
    pub fn new(s: &IngestSettings) -> Self {
        Self {
            address: Buckets::new(s.address_events_per_minute, s.address_burst),
            visitor: Buckets::new(s.visitor_events_per_minute, s.visitor_burst),
            daily_max: s.site_daily_events,
            daily: Arc::default(),
        }
    }

    /// Counts a batch of `events` from `address` and `visitor` for `site` at `now_ms`.
    pub fn admit(
        &self,
        site: &str,
        address: &str,
        visitor: &str,
        events: usize,
        now_ms: i64,
    ) -> Result<(), Refusal> {
        let n = events as f64;
        let now = Instant::now();
        if !self.address.take(address, n, now) {
            return Err(Refusal::Address);
        }
        if !self.visitor.take(&format!("{site}\u{0}{visitor}"), n, now) {
            return Err(Refusal::Visitor);
        }
        let day = now_ms.div_euclid(86_400_000);
        let mut daily = self.daily.lock().expect("quota lock");
        let (d, count) = daily.entry(site.to_owned()).or_insert((day, 0));
        if *d != day {
            *d = day;
            *count = 0;
        }
        if *count + events as u64 > self.daily_max {
            return Err(Refusal::SiteQuota);
        }
        *count += events as u64;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let b = Buckets::new(60, 10);
        let t0 = Instant::now();
        assert!(b.take("a", 10.0, t0));
        assert!(!b.take("a", 1.0, t0));
        assert!(b.take("b", 5.0, t0), "another key has its own bucket");
        let later = t0 + std::time::Duration::from_secs(3);
        assert!(b.take("a", 3.0, later));
        assert!(!b.take("a", 1.0, later));
    }

    #[test]
    fn a_sites_daily_quota_starts_again_the_next_day() {
        let q = IngestQuota::new(&IngestSettings {
            site_daily_events: 100,
            ..IngestSettings::default()
        });
        let day = 20_000 * 86_400_000i64;
        assert!(q.admit("s", "1.1.1.1", "v1", 50, day).is_ok());
        assert!(q.admit("s", "1.1.1.2", "v2", 50, day).is_ok());
        assert_eq!(
            q.admit("s", "1.1.1.3", "v3", 1, day),
            Err(Refusal::SiteQuota)
        );
        assert!(
            q.admit("t", "1.1.1.3", "v3", 1, day).is_ok(),
            "another site"
        );
        assert!(q.admit("s", "1.1.1.4", "v4", 1, day + 86_400_000).is_ok());
    }
}
