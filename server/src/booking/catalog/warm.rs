//! A salon's catalogue fetched when zapis starts, before visitors ask: the services with their
//! durations, every master's days with free time (one call each: every date list and master
//! list a visitor can ask for is worked out from them, [`lists`](super::lists)), and each
//! master's first free days, the nearest first (most visitors pick one of the first days). A
//! restart in a busy hour otherwise sends every visitor's first question to YCLIENTS at once,
//! and the budget (5 calls a second) makes the last ones wait. Warming spends the calls
//! visitors would have caused anyway, only earlier: the catalogue and dates at the visitors' own
//! priority (every visitor needs them), the days behind the visitors' questions. Until it is
//! done the instance says it is not ready ([`Catalog::ready`]), so a proxy can keep visitors on
//! warm instances.

use std::{
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use jiff::civil::Date;

use super::{
    Catalog, Meter,
    times::{Fit, probe},
};
use crate::booking::{cache, upstream::SiteUpstream};

/// Ready this long after start even if warming has not finished (YCLIENTS slow or away): an
/// instance that cannot warm still serves, as before warming existed.
const READY_AT_LATEST: Duration = Duration::from_secs(120);

impl Catalog {
    /// Warms `up`'s branches: each master's first `days` free dates, day by day, branch by
    /// branch within a day.
    pub async fn warm(&self, up: &Arc<SiteUpstream>, days: u32) {
        if days == 0 {
            return;
        }
        let Ok(branches) = self.branches(up).await else {
            return;
        };
        // Each branch's masters with their probe (the shortest service they do).
        let mut plans = Vec::new();
        for b in branches.iter() {
            let _ = self.services(up, b.id, 0, None).await;
            let Ok(masters) = self.staff(up, b.id, Vec::new(), None).await else {
                continue;
            };
            let mut fits = Vec::new();
            for m in masters.staff.iter().filter(|m| m.bookable) {
                let Ok(theirs) = self.services_of(up, b.id, m.id, None).await else {
                    continue;
                };
                if let Some(probe) = probe(&theirs) {
                    fits.push(Fit {
                        staff: m.id,
                        length: probe.1,
                        probe,
                    });
                }
            }
            plans.push((b.clone(), fits));
        }
        // Every master's dates before any day: the date lists answer from them alone.
        let mut firsts = Vec::new();
        for (b, fits) in &plans {
            for fit in fits {
                let Ok((dates, _)) = self
                    .master_dates(up, b, fit.staff, Arc::new(Meter(None)))
                    .await
                else {
                    continue;
                };
                let dates: Vec<Date> = dates
                    .dates
                    .iter()
                    .take(days as usize)
                    .filter_map(|d| d.parse().ok())
                    .collect();
                firsts.push((b.id, *fit, dates));
            }
        }
        // The days behind every call a visitor waits for: visitors who come meanwhile (no
        // proxy checking readiness) have their own days fetched first.
        cache::in_background(async {
            for day in 0..days as usize {
                for (company, fit, dates) in &firsts {
                    if let Some(date) = dates.get(day) {
                        self.fetch_day(up, *company, &[*fit], *date).await;
                    }
                }
            }
        })
        .await;
        tracing::info!(days, "catalogue warmed");
    }

    /// Marks the warming at start as done (or given up).
    pub fn warmed(&self) {
        self.warm.store(true, Ordering::Relaxed);
    }

    /// Whether this instance has warmed its catalogue (or gave up waiting for it).
    pub fn ready(&self) -> bool {
        self.warm.load(Ordering::Relaxed) || self.started.elapsed() >= READY_AT_LATEST
    }
}
