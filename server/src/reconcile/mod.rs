//! The reconciler: reads YCLIENTS (user token) so that a missed webhook never leaves a booking
//! wrong. Periodically and on demand, per site:
//!
//! 1. bookings left `pending`/`unknown` by the booking flow are looked up by `api_id` and
//!    confirmed, or let go when YCLIENTS has no such record (see [`resolve`]);
//! 2. bookings that can still change are brought up to date: with a recent cursor, one
//!    `changed_after` sweep per branch; otherwise each open booking's record is read.
//!
//! Every call goes through the site's client, whose shared rate budget serves booking first;
//! batches stay small and a failure ends the run for that site.

pub mod reconciler;
mod resolve;
mod sweep;

use serde::Serialize;

use crate::app::AppState;

pub use reconciler::Reconciler;

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// `pending`/`unknown` bookings found upstream and confirmed.
    pub resolved: u32,
    /// `pending`/`unknown` bookings YCLIENTS has no record of, let go.
    pub released: u32,
    /// Records read.
    pub checked: u32,
    /// Bookings brought up to date.
    pub updated: u32,
    /// Upstream calls that failed (the run stopped there).
    pub errors: u32,
}

impl Report {
    fn add(&mut self, other: Report) {
        self.resolved += other.resolved;
        self.released += other.released;
        self.checked += other.checked;
        self.updated += other.updated;
        self.errors += other.errors;
    }
}

/// The counter of reconciler work by kind.
pub const METRIC: &str = "zapis_reconcile_total";

/// The periodic task: once at start (bookings a killed process left in flight are resolved
/// at once), then every interval (never again when the interval is 0).
pub async fn run(app: AppState) {
    let every = app.reconciler.every;
    loop {
        for site in app.reconciler.sites.iter() {
            let report = reconcile_site(&app, site).await;
            if report != Report::default() {
                tracing::info!(site, ?report, "reconciled with YCLIENTS");
            }
        }
        if every.is_zero() {
            return;
        }
        tokio::time::sleep(every).await;
    }
}

/// One run for one site (the periodic task, the API and the dashboard's button).
pub async fn reconcile_site(app: &AppState, site: &str) -> Report {
    let _one_run = app.reconciler.running.lock().await;
    let Ok(up) = app.upstreams.get(site) else {
        return Report::default();
    };
    if let Err(e) = app.store.backfill_record_ids(site).await {
        tracing::warn!(site, error = %e, "reconciler: store unavailable");
        return Report {
            errors: 1,
            ..Report::default()
        };
    }
    let mut report = resolve::unresolved(
        &app.store,
        &app.catalog,
        &up,
        site,
        app.reconciler.started_ms,
    )
    .await;
    if report.errors == 0 {
        report.add(sweep::open_bookings(&app.store, &up, site).await);
    }
    for (kind, n) in [
        ("resolved", report.resolved),
        ("released", report.released),
        ("checked", report.checked),
        ("updated", report.updated),
        ("error", report.errors),
    ] {
        if n > 0 {
            app.metrics.add(METRIC, &[("kind", kind)], u64::from(n));
        }
    }
    report
}
