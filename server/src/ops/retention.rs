//! The retention task: ten minutes after start and then every six hours,
//! [`Store::purge_older_than`] the configured period (`[ingest] retention_days`, about 13 months
//! by default). Not at once: a start is busy enough, and a restart loop would purge on each.

use std::time::Duration;

use crate::{store::Store, util::clock::now_ms};

const EVERY: Duration = Duration::from_secs(6 * 3600);
const FIRST: Duration = Duration::from_secs(600);

/// The cut-off for `days` of retention at `now` (ms).
pub fn cutoff(days: u32, now: i64) -> i64 {
    now - i64::from(days) * 86_400_000
}

pub async fn run(store: Store, days: u32) {
    if days == 0 {
        return;
    }
    tokio::time::sleep(FIRST).await;
    loop {
        match store.purge_older_than(cutoff(days, now_ms())).await {
            Ok(p) if p != Default::default() => tracing::info!(?p, days, "retention: purged"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention run failed"),
        }
        tokio::time::sleep(EVERY).await;
    }
}
