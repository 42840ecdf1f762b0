//! Bookings the booking flow left `pending` (the store failed after YCLIENTS answered, or the
//! process died) or `unknown` (the answer was lost): looked up by `api_id`. Found → confirmed
//! with a result built from the record, as the flow would have; absent long enough → let go
//! (`forget_pending_booking`, the flow's own "nothing was made" path), so the visitor's retry
//! with the same key books afresh.

use std::sync::Arc;

use protocol::booking::BookingResult;
use yclients::model::Record;

use super::Report;
use crate::{
    booking::catalog::Catalog,
    booking::status::BookingStatus,
    booking::upstream::SiteUpstream,
    store::{BookingRef, Store},
    util::clock::now_ms,
    webhooks::apply::{Present, record_state},
};

/// Untouched this long, a pending booking is no longer in the booking flow's hands.
const SETTLED_MS: i64 = 2 * 60 * 1000;
/// Absent upstream this long after it was made, a booking is let go.
const RELEASE_MS: i64 = 15 * 60 * 1000;
/// A `pending` booking made before this process started was left by a process that died in
/// the middle of it: no flow of ours will send it again. Absent upstream this long after it
/// was made — longer than YCLIENTS takes to finish a request a dead client left behind — it is
/// let go, so that the visitor's retry books at once instead of hearing "still checking" for
/// [`RELEASE_MS`].
const ORPHAN_RELEASE_MS: i64 = SETTLED_MS;
/// Lookups per run (each may read a few pages of one day's records).
const PER_RUN: i64 = 10;

/// `started_ms`: when this process started; rows untouched since before then are settled too,
/// and so are pending rows whose instance's lease lapsed.
pub async fn unresolved(
    store: &Store,
    catalog: &Catalog,
    up: &Arc<SiteUpstream>,
    site: &str,
    started_ms: i64,
) -> Report {
    let mut report = Report::default();
    let now = now_ms();
    let settled_before = (now - SETTLED_MS).max(started_ms);
    // Settled ones, and pending ones whose instance is gone (another instance of many died in
    // the middle of them): those are finished at once, like a restart's own.
    let found = async {
        let mut list = store.orphaned_for_site(site, PER_RUN).await?;
        let orphans: Vec<String> = list.iter().map(|b| b.id.clone()).collect();
        for b in store
            .unresolved_for_site(site, settled_before, PER_RUN)
            .await?
        {
            if !orphans.contains(&b.id) {
                list.push(b);
            }
        }
        Ok::<_, sqlx::Error>((list, orphans))
    };
    let (list, orphans) = match found.await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(site, error = %e, "reconciler: store unavailable");
            report.errors += 1;
            return report;
        }
    };
    for b in list {
        let Some(date) = b.datetime.get(..10).and_then(|d| d.parse().ok()) else {
            continue;
        };
        match up
            .client
            .find_record_by_api_id(b.company_id as u64, &b.id, date)
            .await
        {
            Ok(Some(record)) => {
                report.checked += 1;
                if confirm(store, catalog, up, &b, &record)
                    .await
                    .unwrap_or(false)
                {
                    tracing::info!(site, booking = %b.id, record = record.id, "unresolved booking found in YCLIENTS and confirmed");
                    report.resolved += 1;
                }
            }
            Ok(None) if now - b.created > release_after(&b, started_ms, &orphans) => {
                report.checked += 1;
                if store.forget_pending_booking(&b.id).await.is_ok() {
                    tracing::info!(site, booking = %b.id, "unresolved booking absent from YCLIENTS; released");
                    report.released += 1;
                }
            }
            Ok(None) => report.checked += 1,
            Err(e) => {
                tracing::warn!(site, booking = %b.id, error = %e, "reconciler: lookup by api_id failed");
                report.errors += 1;
                break;
            }
        }
    }
    report
}

/// How long a booking absent upstream is kept before it is let go.
fn release_after(b: &BookingRef, started_ms: i64, orphans: &[String]) -> i64 {
    if b.state == BookingStatus::Pending && (b.created < started_ms || orphans.contains(&b.id)) {
        ORPHAN_RELEASE_MS
    } else {
        RELEASE_MS
    }
}

async fn confirm(
    store: &Store,
    catalog: &Catalog,
    up: &Arc<SiteUpstream>,
    b: &BookingRef,
    record: &Record,
) -> Result<bool, sqlx::Error> {
    let branch = catalog.branch(up, b.company_id as u64).await.ok().flatten();
    let result = BookingResult {
        id: b.id.clone(),
        branch: branch
            .as_ref()
            .map(|br| br.title.clone())
            .unwrap_or_default(),
        address: branch
            .as_ref()
            .map(|br| br.address.clone())
            .unwrap_or_default(),
        datetime: if record.datetime.is_empty() {
            b.datetime.clone()
        } else {
            record.datetime.clone()
        },
        timezone: branch
            .as_ref()
            .map(|br| br.timezone.clone())
            .unwrap_or_default(),
        length: record.length / 60,
        services: record.services.iter().map(|s| s.title.clone()).collect(),
        staff: record
            .staff
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
        price_min: b.price_min,
        price_max: b.price_max,
        cancel_url: String::new(),
        cabinet: None,
    };
    let records = serde_json::json!([{ "record_id": record.id, "record_hash": "" }]).to_string();
    let mut result = serde_json::to_value(&result).unwrap_or_default();
    if record.activity_id != 0 {
        // A group event sign-up: its answer is a `SignupResult` (a booking's plus these).
        result["event"] = record.activity_id.into();
        result["seats"] = record.clients_count.max(1).into();
    }
    let result = result.to_string();
    let resolved = store
        .resolve_booking(&b.id, record.id as i64, &records, &result, now_ms())
        .await?;
    if resolved {
        let state = record_state(b, record, Present::ALL, false);
        store.apply_record_state(&b.id, &state).await?;
    }
    Ok(resolved)
}
