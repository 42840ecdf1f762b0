//! The outbound path of a booking, shared by a first request and its repeats: book_check, then
//! book_record with `api_id` = our id, a lookup by `api_id` when the answer was lost, and the
//! stored outcome (confirmed / failed / unknown). The record's body (comment tag, custom fields)
//! is built here.

use std::{sync::Arc, time::Duration};

use axum::http::StatusCode;
use protocol::booking::{BookingResult, codes};
use protocol::track::Touch;
use serde::{Deserialize, Serialize};
use yclients::model::{Appointment, BookRecord, Contact};

use super::{
    request::{ValidBooking, sorted},
    upstream::{SiteUpstream, UpstreamError},
};
use crate::{
    app::AppState,
    config::{SiteSettings, TagValue, TouchPart},
    error::ApiError,
    util::clock::now_ms,
};

/// A stored refusal, replayed to a repeat of the same key.
#[derive(Serialize, Deserialize)]
pub(crate) struct StoredError {
    status: u16,
    code: String,
    ru: String,
    en: String,
    field: Option<String>,
}

impl StoredError {
    pub(crate) fn from_api(e: &ApiError) -> Self {
        Self {
            status: e.status.as_u16(),
            code: e.code.into(),
            ru: e.ru.clone(),
            en: e.en.clone(),
            field: e.field.map(Into::into),
        }
    }

    pub(crate) fn into_api(self) -> ApiError {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let code = codes_static(&self.code);
        let mut e = ApiError::new(status, code, self.ru, self.en);
        e.field = self.field.as_deref().and_then(field_static);
        e
    }
}

fn codes_static(code: &str) -> &'static str {
    [
        codes::SLOT_TAKEN,
        codes::INVALID_PHONE,
        codes::NAME_REQUIRED,
        codes::SERVICE_GONE,
        codes::STAFF_UNAVAILABLE,
        codes::BLACKLISTED,
        codes::WRONG_CODE,
        codes::INVALID_FIELD,
        codes::EVENT_FULL,
        codes::TOO_MANY_SEATS,
        codes::EVENT_GONE,
    ]
    .into_iter()
    .find(|c| *c == code)
    .unwrap_or("booking_refused")
}

fn field_static(f: &str) -> Option<&'static str> {
    ["phone", "name", "code", "email", "comment", "seats"]
        .into_iter()
        .find(|x| *x == f)
}

/// book_check, then book_record.
pub(super) async fn run(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    site: &SiteSettings,
    id: &str,
    valid: &ValidBooking,
) -> Result<BookingResult, ApiError> {
    let appointments = [Appointment::new(
        1,
        &valid.services,
        valid.staff,
        &valid.datetime,
    )];
    if let Err(e) = up.client.book_check(valid.branch.id, &appointments).await {
        app.metrics.upstream("book_check", "error");
        // book_check creates nothing: a transient failure frees the key for a retry.
        return Err(settle(app, up, id, valid, e.into(), true).await);
    }
    app.metrics.upstream("book_check", "ok");
    send_record(app, up, site, id, valid, false).await
}

/// book_record; after an unknown outcome the record is looked up by api_id, and sent once more
/// only if it is not there.
pub(super) async fn send_record(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    site: &SiteSettings,
    id: &str,
    valid: &ValidBooking,
    retried: bool,
) -> Result<BookingResult, ApiError> {
    let body = record_body(up, id, valid);
    match up.client.book_record(valid.branch.id, &body).await {
        Ok(records) => {
            app.metrics.upstream("book_record", "ok");
            let records = records
                .into_iter()
                .map(|r| (r.record_id, r.record_hash))
                .collect();
            confirm(app, site, id, valid, records).await
        }
        Err(e) if e.outcome_unknown() => {
            app.metrics.upstream("book_record", "unknown");
            tracing::warn!(booking = id, error = %e, "book_record outcome unknown; looking it up by api_id");
            match lookup(app, up, id, valid).await {
                Some(Ok(record_id)) => {
                    confirm(app, site, id, valid, vec![(record_id, String::new())]).await
                }
                None if !retried => Box::pin(send_record(app, up, site, id, valid, true)).await,
                _ => {
                    let _ = app.store.mark_booking_unknown(id, now_ms()).await;
                    app.metrics.booking("unknown");
                    Err(checking())
                }
            }
        }
        Err(e) => {
            app.metrics.upstream("book_record", "error");
            let not_sent = matches!(
                e,
                yclients::Error::Connect { .. } | yclients::Error::RateLimited { .. }
            );
            Err(settle(app, up, id, valid, e.into(), not_sent).await)
        }
    }
}

/// Looks the record up by api_id: `Some(Ok(id))` found, `None` surely absent, `Some(Err)` the
/// lookup itself failed (outcome still unknown).
pub(crate) async fn lookup(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    id: &str,
    valid: &ValidBooking,
) -> Option<Result<u64, ()>> {
    let date = valid.date.parse().ok()?;
    match up
        .client
        .find_record_by_api_id(valid.branch.id, id, date)
        .await
    {
        Ok(Some(r)) if !r.deleted => {
            app.metrics.upstream("find_record", "found");
            Some(Ok(r.id))
        }
        Ok(_) => {
            app.metrics.upstream("find_record", "absent");
            None
        }
        Err(e) => {
            app.metrics.upstream("find_record", "error");
            tracing::warn!(booking = id, error = %e, "looking up a booking by api_id failed");
            Some(Err(()))
        }
    }
}

pub(crate) fn checking() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        codes::UPSTREAM_UNAVAILABLE,
        "Салон не ответил вовремя, и мы проверяем, создалась ли запись. Не записывайтесь повторно — повторите попытку через минуту, мы покажем результат.",
        "The salon did not answer in time and we are checking whether the booking was made. Please don't book again — retry in a minute and we will show the result.",
    )
}

/// A refusal or failure: stored when final, forgotten when nothing was created and the visitor
/// may retry with the same key.
pub(super) async fn settle(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    id: &str,
    valid: &ValidBooking,
    e: UpstreamError,
    retryable_if_transient: bool,
) -> ApiError {
    let final_refusal = matches!(e, UpstreamError::Refused { .. });
    let slot_taken = matches!(
        &e,
        UpstreamError::Refused {
            code: yclients::BookingCode::SlotTaken,
            ..
        }
    );
    let mut err = ApiError::from(e);
    if final_refusal || !retryable_if_transient {
        let _ = app
            .store
            .fail_booking(
                id,
                &serde_json::to_string(&StoredError::from_api(&err)).unwrap_or_default(),
                now_ms(),
            )
            .await;
        app.metrics
            .booking(if final_refusal { err.code } else { "failed" });
    } else {
        let _ = app.store.forget_pending_booking(id).await;
        app.metrics.booking("retryable");
    }
    if slot_taken {
        super::day_changed(app, valid.branch.id, Some(&valid.date)).await;
        if let Ok(date) = valid.date.parse()
            && let Ok(times) = app
                .catalog
                .exact_times(
                    up,
                    &valid.branch,
                    valid.staff,
                    sorted(&valid.services),
                    date,
                    None,
                )
                .await
        {
            err.times = Some(times.slots.clone());
        }
    }
    err
}

pub(super) async fn confirm(
    app: &AppState,
    site: &SiteSettings,
    id: &str,
    valid: &ValidBooking,
    records: Vec<(u64, String)>,
) -> Result<BookingResult, ApiError> {
    let hash = records.first().map(|(_, h)| h.clone()).unwrap_or_default();
    let cancel_url = if hash.is_empty() {
        String::new()
    } else {
        format!("{}/cancel/{}/{}?t={}", app.public_url, site.key, id, hash)
    };
    let (staff, length) = super::assigned::assigned(app, site, valid, &records).await;
    let result = BookingResult {
        id: id.to_owned(),
        branch: valid.branch.title.clone(),
        address: valid.branch.address.clone(),
        datetime: valid.datetime.clone(),
        timezone: valid.branch.timezone.clone(),
        length,
        services: valid.service_titles.clone(),
        staff,
        price_min: valid.price_min,
        price_max: valid.price_max,
        cancel_url,
        cabinet: None,
    };
    let records_json = serde_json::to_string(
        &records
            .iter()
            .map(|(r, h)| serde_json::json!({"record_id": r, "record_hash": h}))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let result_json = serde_json::to_string(&result).unwrap_or_default();
    store_confirmed(app, id, &records_json, &result_json).await;
    super::day_changed(app, valid.branch.id, Some(&valid.date)).await;
    app.metrics.booking("confirmed");
    tracing::info!(booking = id, company = valid.branch.id, "booking confirmed");
    Ok(result)
}

/// The record exists upstream: storing that must not be skipped. Retries briefly; if the store
/// is down the booking stays `pending` and the reconciler finds it by api_id.
pub(crate) async fn store_confirmed(app: &AppState, id: &str, records: &str, result: &str) {
    for attempt in 0..3 {
        if app
            .store
            .confirm_booking(id, records, result, now_ms())
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
    }
    tracing::error!(
        booking = id,
        "booking made upstream but not stored; the reconciler will find it by api_id"
    );
}

pub(crate) fn record_body(up: &SiteUpstream, id: &str, v: &ValidBooking) -> BookRecord {
    let a = v.attribution.as_ref();
    let last = a.and_then(|a| a.last.as_ref());
    let first = a.and_then(|a| a.first.as_ref());
    let mut comment = v.comment.clone().unwrap_or_default();
    if up.cfg.comment_tag {
        let src = last
            .or(first)
            .map(describe_touch)
            .unwrap_or_else(|| "прямой заход".into());
        if !comment.is_empty() {
            comment.push('\n');
        }
        comment.push_str(&format!("zapis: {src}"));
    }
    let mut custom = serde_json::Map::new();
    for (field, what) in &up.cfg.custom_fields {
        let touch = |t: Option<&Touch>, part: TouchPart| {
            t.and_then(|t| match part {
                TouchPart::Source => t.source.clone(),
                TouchPart::Medium => t.medium.clone(),
                TouchPart::Campaign => t.campaign.clone(),
                TouchPart::Channel => Some(t.ch.as_str().to_owned()),
            })
        };
        let value = match *what {
            TagValue::Vid => a.map(|a| a.vid.clone()),
            TagValue::BookingId => Some(id.to_owned()),
            TagValue::First(part) => touch(first, part),
            TagValue::Last(part) => touch(last, part),
        };
        if let Some(value) = value {
            custom.insert(field.clone(), value.into());
        }
    }
    let mut body = BookRecord {
        contact: Contact::new(v.phone.as_digits(), v.name.clone()),
        ..BookRecord::default()
    };
    body.contact.email = v.email.clone();
    body.contact.code = v.code.clone();
    body.contact.comment = (!comment.is_empty()).then_some(comment);
    body.contact.api_id = Some(id.to_owned());
    body.bookform_id = up.cfg.bookform_id;
    // Record-level custom fields live on the appointment; the root ones would go to the
    // client's card, which other bookings share.
    let mut appointment = Appointment::new(1, &v.services, v.staff, &v.datetime);
    appointment.custom_fields = custom;
    body.appointments = vec![appointment];
    body
}

pub(super) fn describe_touch(t: &Touch) -> String {
    let parts: Vec<&str> = [
        t.source.as_deref(),
        t.medium.as_deref(),
        t.campaign.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        match &t.referrer {
            Some(r) => format!("{} ({r})", t.ch.as_str()),
            None => t.ch.as_str().to_owned(),
        }
    } else {
        parts.join(" / ")
    }
}
