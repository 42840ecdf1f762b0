//! A salon's catalogue fetched when zapis starts, before visitors ask: the services with their
//! durations, and every master's free time for the next days, the nearest first (most visitors
//! pick one of the first days). A restart in a busy hour otherwise sends every visitor's first
//! question to YCLIENTS at once, and the budget (5 calls a second) makes the last ones wait.
//! Warming spends the calls visitors would have caused anyway, only earlier; it asks at the
//! visitors' own priority, so their questions are not pushed back behind it.

use std::sync::Arc;

use jiff::{Timestamp, ToSpan, tz::TimeZone};

use super::{
    Catalog,
    times::{Fit, probe},
};
use crate::booking::upstream::SiteUpstream;

impl Catalog {
    /// Warms `up`'s branches for `days` days (today first), branch by branch within a day.
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
            let tz = TimeZone::get(&b.timezone).unwrap_or(TimeZone::UTC);
            plans.push((b.id, Timestamp::now().to_zoned_datetime(tz).date(), fits));
        }
        for day in 0..i64::from(days) {
            for (company, today, fits) in &plans {
                if let Ok(date) = today.checked_add(day.days()) {
                    self.fetch_days(up, *company, fits, &[date]).await;
                }
            }
        }
        tracing::info!(days, "catalogue warmed");
    }
}
