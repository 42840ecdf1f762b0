//! Open bookings brought up to date. Per branch: when the last sweep is recent, one
//! `changed_after` read (a page or two) finds whatever changed since; otherwise — the first
//! run, a long pause, or a flood of changes — each open booking's record is read on its own,
//! with its payments. The cursor moves only after a complete pass.

use std::{collections::BTreeMap, sync::Arc};

use jiff::{
    Timestamp,
    tz::{Offset, TimeZone},
};
use yclients::model::RecordsQuery;

use super::Report;
use crate::{
    booking::upstream::SiteUpstream,
    store::{BookingRef, Store},
    util::clock::now_ms,
    webhooks::apply::apply_full_record,
};

/// Bookings older than this are no longer followed.
const LOOKBACK_MS: i64 = 60 * 24 * 3600 * 1000;
/// A cursor older than this is not swept from (too much changed since); records are read one by one.
const FRESH_MS: i64 = 24 * 3600 * 1000;
/// Overlap of consecutive sweeps, against clock skew (re-reading is harmless).
const MARGIN_MS: i64 = 5 * 60 * 1000;
const PAGE: u32 = 50;
const MAX_PAGES: u32 = 4;
/// Single-record reads per run, across branches.
const MAX_READS: usize = 20;
const MAX_OPEN: i64 = 1000;

enum Sweep {
    Complete,
    TooMany,
}

struct Failed;

pub async fn open_bookings(store: &Store, up: &Arc<SiteUpstream>, site: &str) -> Report {
    let mut report = Report::default();
    let open = match store
        .open_bookings(site, now_ms() - LOOKBACK_MS, MAX_OPEN)
        .await
    {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(site, error = %e, "reconciler: store unavailable");
            report.errors += 1;
            return report;
        }
    };
    let mut by_branch: BTreeMap<i64, Vec<BookingRef>> = BTreeMap::new();
    for b in open {
        by_branch.entry(b.company_id).or_default().push(b);
    }
    let mut reads_left = MAX_READS;
    for (company, list) in by_branch {
        let started = now_ms();
        let cursor = store
            .sync_cursor(site, company)
            .await
            .ok()
            .flatten()
            .filter(|c| started - c < FRESH_MS);
        let swept = match cursor {
            Some(c) => {
                sweep(
                    store,
                    up,
                    site,
                    company,
                    c - MARGIN_MS,
                    offset_of(&list[0].datetime),
                    &mut report,
                )
                .await
            }
            None => Ok(Sweep::TooMany),
        };
        let complete = match swept {
            Ok(Sweep::Complete) => true,
            Ok(Sweep::TooMany) => {
                match read_each(store, up, &list, &mut reads_left, &mut report).await {
                    Ok(all) => all,
                    Err(Failed) => return report,
                }
            }
            Err(Failed) => return report,
        };
        if complete {
            let _ = store.set_sync_cursor(site, company, started).await;
        }
    }
    report
}

/// Records of a branch changed after `after` (ms), applied to our bookings among them.
async fn sweep(
    store: &Store,
    up: &Arc<SiteUpstream>,
    site: &str,
    company: i64,
    after: i64,
    offset: Offset,
    report: &mut Report,
) -> Result<Sweep, Failed> {
    let local = Timestamp::from_millisecond(after)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(TimeZone::fixed(offset))
        .datetime();
    for page in 1..=MAX_PAGES {
        let query = RecordsQuery {
            page: Some(page),
            count: Some(PAGE),
            changed_after: Some(local),
            with_deleted: true,
            include_finance_transactions: true,
            ..RecordsQuery::default()
        };
        let result = up.client.records(company as u64, &query).await.map_err(|e| {
            tracing::warn!(site, company, error = %e, "reconciler: reading changed records failed");
            report.errors += 1;
            Failed
        })?;
        let fetched = result.records.len() as u64;
        for record in &result.records {
            report.checked += 1;
            match store
                .booking_for_record(site, Some(&record.api_id), record.id as i64)
                .await
            {
                Ok(Some(b)) => {
                    if apply_full_record(store, &b, record).await.is_ok() {
                        report.updated += 1;
                    }
                }
                Ok(None) => {}
                Err(_) => {
                    report.errors += 1;
                    return Err(Failed);
                }
            }
        }
        if fetched < u64::from(PAGE) || u64::from(page) * u64::from(PAGE) >= result.total_count {
            return Ok(Sweep::Complete);
        }
    }
    Ok(Sweep::TooMany)
}

/// Reads each booking's record; `true` when every one of them was read.
async fn read_each(
    store: &Store,
    up: &Arc<SiteUpstream>,
    list: &[BookingRef],
    reads_left: &mut usize,
    report: &mut Report,
) -> Result<bool, Failed> {
    let mut all = true;
    for b in list {
        let Some(record_id) = b.record_id else {
            continue;
        };
        if *reads_left == 0 {
            all = false;
            break;
        }
        *reads_left -= 1;
        match up
            .client
            .record(b.company_id as u64, record_id as u64)
            .await
        {
            Ok(record) => {
                report.checked += 1;
                if apply_full_record(store, b, &record).await.is_ok() {
                    report.updated += 1;
                }
            }
            Err(yclients::Error::Api { status: 404, .. }) => {
                tracing::info!(booking = %b.id, record = record_id, "reconciler: record not found in YCLIENTS");
            }
            Err(e) => {
                tracing::warn!(booking = %b.id, error = %e, "reconciler: reading a record failed");
                report.errors += 1;
                return Err(Failed);
            }
        }
    }
    Ok(all)
}

/// The UTC offset at the end of `2025-07-13T12:10:00+05:00` (UTC when there is none).
fn offset_of(datetime: &str) -> Offset {
    let tail = datetime
        .get(datetime.len().saturating_sub(6)..)
        .unwrap_or("");
    let b = tail.as_bytes();
    if b.len() == 6 && (b[0] == b'+' || b[0] == b'-') && b[3] == b':' {
        let (h, m) = (
            tail[1..3].parse::<i32>().unwrap_or(0),
            tail[4..6].parse::<i32>().unwrap_or(0),
        );
        let secs = (h * 3600 + m * 60) * if b[0] == b'-' { -1 } else { 1 };
        return Offset::from_seconds(secs).unwrap_or(Offset::UTC);
    }
    Offset::UTC
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_offset_is_read_from_the_booked_time() {
        assert_eq!(offset_of("2025-07-13T12:10:00+05:00").seconds(), 5 * 3600);
        assert_eq!(
            offset_of("2025-07-13T12:10:00-03:30").seconds(),
            -(3 * 3600 + 1800)
        );
        assert_eq!(offset_of("2025-07-13 12:10:00").seconds(), 0);
    }
}
