//! Processing stored deliveries: `record` events move a booking through its outcomes,
//! `finances_operation` events add or remove its payments. Unknown records are ignored with a
//! log line (ids only: a delivery carries the client's name and phone).

use std::time::Duration;

use serde_json::Value;
use yclients::model::{Record, WebhookEvent, WebhookStatus};

use super::{
    METRIC,
    apply::{Present, payment, record_state},
};
use crate::{app::AppState, store::Delivery, util::clock::now_ms};

/// Deliveries taken per store read.
const BATCH: i64 = 50;
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
        for delivery in &batch {
            let result = process(app, delivery).await?;
            app.store
                .finish_delivery(delivery.id, result, now_ms())
                .await?;
            app.metrics.add(METRIC, &[("result", result)], 1);
            done += 1;
        }
    }
}

async fn process(app: &AppState, d: &Delivery) -> Result<&'static str, sqlx::Error> {
    let Ok(event) = WebhookEvent::parse(d.body.as_bytes()) else {
        tracing::warn!(site = %d.site, delivery = d.id, "webhook body is not a YCLIENTS event; dropped");
        return Ok("failed");
    };
    app.store.backfill_record_ids(&d.site).await?;
    match event.resource.as_str() {
        "record" => record_event(app, &d.site, &event).await,
        "finances_operation" => finance_event(app, &d.site, &event).await,
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
    app.catalog.record_changed(event.company_id, day);
    let api_id = data.get("api_id").and_then(Value::as_str);
    let Some(booking) = app
        .store
        .booking_for_record(site, api_id, record.id as i64)
        .await?
    else {
        return Ok(ignored(site, event, record.id));
    };
    let state = record_state(
        &booking,
        &record,
        Present::of(&data),
        event.status == WebhookStatus::Delete,
    );
    let applied = app.store.apply_record_state(&booking.id, &state).await?;
    tracing::info!(site, booking = %booking.id, record = record.id, outcome = state.outcome.map_or("-", |o| o.as_str()), applied, "record webhook applied");
    Ok("processed")
}

async fn finance_event(
    app: &AppState,
    site: &str,
    event: &WebhookEvent,
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
        return Ok(ignored(site, event, record_id));
    };
    let mut p = payment(&op.transaction);
    if p.id == 0 {
        p.id = event.resource_id as i64;
    }
    if event.status == WebhookStatus::Delete {
        app.store.delete_payment(site, &booking.id, p.id).await?;
    } else {
        app.store
            .upsert_payment(site, &booking.id, record_id as i64, &p)
            .await?;
    }
    tracing::info!(site, booking = %booking.id, record = record_id, "payment webhook applied");
    Ok("processed")
}
