//! Processing stored deliveries. A delivery is a hint, never data: whoever knows the URL can post
//! one, so for a `record` or `finances_operation` event about one of our bookings the record and
//! its finance transactions are read back from YCLIENTS (through the client's call budget) and
//! that is what is stored. Unknown records are ignored with a log line (ids only: a delivery
//! carries the client's name and phone). When the read fails the delivery is left `failed` and
//! the reconciler's next sweep reads the record anyway. The deliveries are taken in batches and
//! each record is read once per batch: a visit marked paid sends a record change and a finance
//! operation, and one read covers both (what YCLIENTS holds at the read includes every change
//! announced by a delivery stored before the batch was taken).

use std::{collections::HashSet, time::Duration};

use serde_json::Value;
use yclients::model::{Record, WebhookEvent, WebhookStatus};

use super::{
    METRIC,
    apply::{Present, apply_full_record, record_state},
};
use crate::{
    app::AppState,
    store::{BookingRef, Delivery},
    util::clock::now_ms,
};

/// Deliveries taken per store read.
const BATCH: i64 = 50;

/// The records (site, record id) read back and applied in the current batch.
pub type ReadBacks = HashSet<(String, u64)>;
/// Leftovers (from a crash) are looked for this often on one instance; with several, the
/// lease holder also picks up what the others stored (they cannot wake it) this often.
const POLL: Duration = Duration::from_secs(30);
const POLL_SHARED: Duration = Duration::from_secs(2);

/// The lease under which one instance of many processes deliveries, in the order stored (two
/// deliveries about one record must not be applied out of order by two instances).
pub const LEASE: &str = "webhooks";

/// The processor, on the instance that holds [`LEASE`]: drains on every wake-up and every
/// poll. Any instance stores deliveries; the holder processes them.
pub async fn run(app: AppState) {
    let lease = app.cluster.lease(LEASE);
    let poll = if app.store.backend() == crate::store::Backend::Postgres {
        POLL_SHARED
    } else {
        POLL
    };
    loop {
        if lease.try_hold(&app.store).await {
            app.metrics
                .add(crate::cluster::RUNS_METRIC, &[("job", LEASE)], 1);
            if let Err(e) = drain(&app).await {
                tracing::warn!(error = %e, "webhook processing failed; will retry");
            }
        }
        tokio::select! {
            _ = app.hooks.wake.notified() => {}
            _ = tokio::time::sleep(poll.min(lease.every())) => {}
        }
    }
}

/// Gives the lease up on a clean stop, so another instance takes over at once.
pub async fn stopped(cluster: &crate::cluster::Cluster) {
    cluster.lease(LEASE).release(cluster.store()).await;
}

/// Processes every stored delivery; returns how many.
pub async fn drain(app: &AppState) -> Result<usize, sqlx::Error> {
    let _one_at_a_time = app.hooks.draining.lock().await;
    let mut done = 0;
    loop {
        let batch = app.store.new_deliveries(BATCH).await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let mut read = ReadBacks::new();
        for delivery in &batch {
            let result = process(app, delivery, &mut read).await?;
            app.store
                .finish_delivery(delivery.id, result, now_ms())
                .await?;
            app.metrics.add(METRIC, &[("result", result)], 1);
            done += 1;
        }
    }
}

async fn process(
    app: &AppState,
    d: &Delivery,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let Ok(event) = WebhookEvent::parse(d.body.as_bytes()) else {
        tracing::warn!(site = %d.site, delivery = d.id, "webhook body is not a YCLIENTS event; dropped");
        return Ok("failed");
    };
    app.store.backfill_record_ids(&d.site).await?;
    match event.resource.as_str() {
        "record" => record_event(app, &d.site, &event, read).await,
        "finances_operation" => finance_event(app, &d.site, &event, read).await,
        _ => Ok("ignored"),
    }
}

fn ignored(site: &str, event: &WebhookEvent, record_id: u64) -> &'static str {
    tracing::info!(site, resource = %event.resource, company = event.company_id, record = record_id, "webhook for a record that is not a zapis booking ignored");
    "ignored"
}

async fn record_event(
    app: &AppState,
    site: &str,
    event: &WebhookEvent,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let data = if event.data.is_object() {
        event.data.clone()
    } else {
        Value::Object(Default::default())
    };
    let mut record: Record = serde_json::from_value(data.clone()).unwrap_or_default();
    if record.id == 0 {
        record.id = event.resource_id;
    }
    // Free times changed, whoever made the record: the cached day goes (DESIGN §5's cache is
    // kept long because of this).
    let day = data
        .get("datetime")
        .and_then(Value::as_str)
        .and_then(|d| d.get(..10))
        .filter(|d| d.parse::<jiff::civil::Date>().is_ok());
    crate::booking::day_changed(app, event.company_id, day).await;
    let api_id = data.get("api_id").and_then(Value::as_str);
    let Some(booking) = app
        .store
        .booking_for_record(site, api_id, record.id as i64)
        .await?
    else {
        if let Some(calls) = app.sites.get(site).and_then(|s| s.calls.clone()) {
            return crate::calls::followed::record_event(
                app,
                site,
                &calls,
                event.company_id,
                record.id,
                &data,
                read,
            )
            .await;
        }
        return Ok(ignored(site, event, record.id));
    };
    read_back(
        app,
        site,
        &booking,
        record.id,
        event.status == WebhookStatus::Delete,
        read,
    )
    .await
}

/// Reads the record and its payments from YCLIENTS and applies them, unless this batch already
/// did. `delete`: the delivery said the record was deleted; YCLIENTS' 404 then confirms it.
async fn read_back(
    app: &AppState,
    site: &str,
    booking: &BookingRef,
    record_id: u64,
    delete: bool,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let key = (site.to_owned(), record_id);
    if read.contains(&key) {
        return Ok("processed");
    }
    let Ok(up) = app.upstreams.get(site) else {
        return Ok("failed");
    };
    match up.client.record(booking.company_id as u64, record_id).await {
        Ok(record) => {
            apply_full_record(&app.store, booking, &record).await?;
            read.insert(key);
            tracing::info!(site, booking = %booking.id, record = record_id, "webhook: record read back and applied");
            Ok("processed")
        }
        Err(yclients::Error::Api { status: 404, .. }) if delete => {
            let gone = Record {
                id: record_id,
                ..Record::default()
            };
            let state = record_state(booking, &gone, Present::of(&Value::Null), true);
            app.store.apply_record_state(&booking.id, &state).await?;
            Ok("processed")
        }
        Err(e) => {
            tracing::warn!(site, booking = %booking.id, record = record_id, error = %e, "webhook: reading the record back failed; the reconciler will");
            Ok("failed")
        }
    }
}

async fn finance_event(
    app: &AppState,
    site: &str,
    event: &WebhookEvent,
    read: &mut ReadBacks,
) -> Result<&'static str, sqlx::Error> {
    let Some(op) = event.finance_operation() else {
        return Ok("failed");
    };
    let mut record_id = op.transaction.record_id;
    if record_id == 0 {
        record_id = event
            .data
            .pointer("/record/id")
            .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(0);
    }
    let Some(booking) = app
        .store
        .booking_for_record(site, None, record_id as i64)
        .await?
    else {
        if let Some(calls) = app.sites.get(site).and_then(|s| s.calls.clone()) {
            return crate::calls::followed::finance_event(app, site, &calls, record_id, read).await;
        }
        return Ok(ignored(site, event, record_id));
    };
    read_back(app, site, &booking, record_id, false, read).await
}
