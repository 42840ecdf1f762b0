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
use tokio::time::Instant;

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

/// The lease under which one instance of many runs the periodic reconciler.
pub const LEASE: &str = "reconciler";

/// The periodic task, on the instance that holds [`LEASE`]: once when it takes the lease (at
/// start, or when the holder died — bookings a killed process left in flight are resolved at
/// once), then every interval (never again when the interval is 0). The others wait, asking
/// for the lease every third of its term.
pub async fn run(app: AppState) {
    let every = app.reconciler.every;
    let lease = app.cluster.lease(LEASE);
    let mut due = Some(Instant::now());
    loop {
        if lease.try_hold(&app.store).await {
            if due.is_some_and(|d| Instant::now() >= d) {
                app.metrics
                    .add(crate::cluster::RUNS_METRIC, &[("job", LEASE)], 1);
                for site in app.reconciler.sites.iter() {
                    // Renewed between sites: a long run keeps the lease.
                    if !lease.try_hold(&app.store).await {
                        break;
                    }
                    let report = reconcile_site(&app, site).await;
                    if report != Report::default() {
                        tracing::info!(site, ?report, "reconciled with YCLIENTS");
                    }
                }
                due = (!every.is_zero()).then(|| Instant::now() + every);
            }
        } else {
            // Another instance runs it; if this one takes over, it runs at once.
            due = Some(Instant::now());
        }
        let nap = due.map_or(lease.every(), |d| {
            d.saturating_duration_since(Instant::now())
                .min(lease.every())
        });
        tokio::time::sleep(nap).await;
    }
}

/// Gives the lease up on a clean stop, so another instance takes over at once.
pub async fn stopped(cluster: &crate::cluster::Cluster) {
    cluster.lease(LEASE).release(cluster.store()).await;
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
