//! The booking itself: stored (pending) before YCLIENTS is called, book_check → book_record with
//! `api_id` = our id, then stored again (confirmed / failed / unknown) before the visitor is
//! answered. One Idempotency-Key makes at most one YCLIENTS record: a repeat returns the first
//! result, a concurrent repeat waits for it, and after a timeout the record is looked up by
//! `api_id` before anything is sent again.

use std::{sync::Arc, time::Duration};

use axum::http::StatusCode;
use protocol::booking::{BookingRequest, BookingResult, codes};
use protocol::track::Touch;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use yclients::model::{Appointment, BookRecord, Contact};

use super::{
    request::{self, ValidBooking},
    upstream::{SiteUpstream, UpstreamError, upstream_unavailable},
};
use crate::{
    app::AppState,
    booking::status::BookingStatus,
    config::{SiteSettings, TagValue, TouchPart},
    error::ApiError,
    store::{BookingState, Inserted, NewBooking, TouchColumns},
    util::clock::now_ms,
};

/// How long a repeat waits for the first request with its key to finish.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(30);

/// A stored refusal, replayed to a repeat of the same key.
#[derive(Serialize, Deserialize)]
struct StoredError {
    status: u16,
    code: String,
    ru: String,
    en: String,
    field: Option<String>,
}

impl StoredError {
    fn from_api(e: &ApiError) -> Self {
        Self {
            status: e.status.as_u16(),
            code: e.code.into(),
            ru: e.ru.clone(),
            en: e.en.clone(),
            field: e.field.map(Into::into),
        }
    }

    fn into_api(self) -> ApiError {
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
    ]
    .into_iter()
    .find(|c| *c == code)
    .unwrap_or("booking_refused")
}

fn field_static(f: &str) -> Option<&'static str> {
    ["phone", "name", "code", "email", "comment"]
        .into_iter()
        .find(|x| *x == f)
}

/// Runs a booking request to its end. Returns 201 for a new booking, 200 for a repeat.
pub async fn book(
    app: &AppState,
    site: &SiteSettings,
    key: &str,
    req: BookingRequest,
) -> Result<(StatusCode, BookingResult), ApiError> {
    request::check_fields(&req, site)?;
    let up = app.upstreams.get(&site.key)?;
    let branch = app
        .catalog
        .branch(&up, req.branch)
        .await?
        .ok_or_else(|| ApiError::invalid("branch", "Такого филиала нет.", "No such branch."))?;
    let services = app.catalog.services(&up, branch.id, 0).await?;
    let staff_name = if req.staff == 0 {
        Some(String::new())
    } else {
        let list = app
            .catalog
            .staff(&up, branch.id, sorted(&req.services), None)
            .await?;
        list.staff
            .iter()
            .find(|s| s.id == req.staff && s.bookable)
            .map(|s| s.name.clone())
    };
    let hash = request_hash(&req);
    let valid = request::validate(req, branch, &services, staff_name)?;

    // A repeat may find the first request's row gone (it failed before anything was made and
    // freed the key): then this request books. Bounded, in case of a storm of such races.
    for _ in 0..3 {
        let id = new_id();
        let row = new_row(&id, site, key, &hash, &valid);
        match app
            .store
            .insert_booking(&row)
            .await
            .map_err(ApiError::unavailable)?
        {
            Inserted::New => {
                return run(app, &up, site, &id, &valid)
                    .await
                    .map(|r| (StatusCode::CREATED, r));
            }
            Inserted::Existing(state) => {
                if state.request_hash != hash {
                    return Err(ApiError::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "idempotency_key_reused",
                        "Этот ключ уже использован для другой записи.",
                        "This Idempotency-Key was already used for a different booking.",
                    ));
                }
                if let Some(done) = repeat(app, &up, site, state, &valid).await {
                    return done;
                }
            }
        }
    }
    Err(upstream_unavailable())
}

/// A repeat of a key: the stored outcome, or wait for the first request, or resolve an unknown.
/// `None`: the first request let the key go (nothing was made); the caller books afresh.
async fn repeat(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    site: &SiteSettings,
    mut state: BookingState,
    valid: &ValidBooking,
) -> Option<Result<(StatusCode, BookingResult), ApiError>> {
    let deadline = tokio::time::Instant::now() + WAIT_FOR_FIRST;
    while state.state == BookingStatus::Pending {
        if tokio::time::Instant::now() > deadline {
            return Some(Err(checking()));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        match app.store.booking(&state.id).await {
            Ok(Some(s)) => state = s,
            Ok(None) => return None,
            Err(e) => return Some(Err(ApiError::unavailable(e))),
        }
    }
    Some(settled(app, up, site, state, valid).await)
}

async fn settled(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    site: &SiteSettings,
    state: BookingState,
    valid: &ValidBooking,
) -> Result<(StatusCode, BookingResult), ApiError> {
    match state.state {
        BookingStatus::Confirmed => {
            let result = state
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .ok_or_else(|| ApiError::internal("confirmed booking without result"))?;
            app.metrics.booking("repeat");
            Ok((StatusCode::OK, result))
        }
        BookingStatus::Failed => {
            let stored: Option<StoredError> = state
                .error
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok());
            Err(stored.map_or_else(upstream_unavailable, StoredError::into_api))
        }
        // unknown: find out before anything is sent again.
        BookingStatus::Pending | BookingStatus::Unknown => {
            match lookup(app, up, &state.id, valid).await {
                Some(Ok(record_id)) => confirm(
                    app,
                    site,
                    &state.id,
                    valid,
                    vec![(record_id, String::new())],
                )
                .await
                .map(|r| (StatusCode::OK, r)),
                Some(Err(())) => Err(checking()),
                None => send_record(app, up, site, &state.id, valid, true)
                    .await
                    .map(|r| (StatusCode::CREATED, r)),
            }
        }
    }
}

/// book_check, then book_record.
async fn run(
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
async fn send_record(
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
async fn lookup(
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

fn checking() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        codes::UPSTREAM_UNAVAILABLE,
        "Салон не ответил вовремя, и мы проверяем, создалась ли запись. Не записывайтесь повторно — повторите попытку через минуту, мы покажем результат.",
        "The salon did not answer in time and we are checking whether the booking was made. Please don't book again — retry in a minute and we will show the result.",
    )
}

/// A refusal or failure: stored when final, forgotten when nothing was created and the visitor
/// may retry with the same key.
async fn settle(
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
        app.catalog.slot_taken(valid.branch.id, &valid.date);
        if let Ok(date) = valid.date.parse()
            && let Ok(times) = app
                .catalog
                .times(
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

async fn confirm(
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
    let result = BookingResult {
        id: id.to_owned(),
        branch: valid.branch.title.clone(),
        address: valid.branch.address.clone(),
        datetime: valid.datetime.clone(),
        timezone: valid.branch.timezone.clone(),
        length: valid.length_minutes,
        services: valid.service_titles.clone(),
        staff: valid.staff_name.clone(),
        price_min: valid.price_min,
        price_max: valid.price_max,
        cancel_url,
    };
    let records_json = serde_json::to_string(
        &records
            .iter()
            .map(|(r, h)| serde_json::json!({"record_id": r, "record_hash": h}))
            .collect::<Vec<_>>(),
    )
    .unwrap_or_default();
    let result_json = serde_json::to_string(&result).unwrap_or_default();
    // The record exists upstream: storing that must not be skipped. Retry briefly; if the store
    // is down the booking stays `pending` and the reconciler finds it by api_id.
    let mut stored = false;
    for attempt in 0..3 {
        if app
            .store
            .confirm_booking(id, &records_json, &result_json, now_ms())
            .await
            .is_ok()
        {
            stored = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100 << attempt)).await;
    }
    if !stored {
        tracing::error!(
            booking = id,
            "booking made upstream but not stored; the reconciler will find it by api_id"
        );
    }
    app.catalog.slot_taken(valid.branch.id, &valid.date);
    app.metrics.booking("confirmed");
    tracing::info!(booking = id, company = valid.branch.id, "booking confirmed");
    Ok(result)
}

fn record_body(up: &SiteUpstream, id: &str, v: &ValidBooking) -> BookRecord {
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

fn describe_touch(t: &Touch) -> String {
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

fn new_row(id: &str, site: &SiteSettings, key: &str, hash: &str, v: &ValidBooking) -> NewBooking {
    let touch = |t: Option<&Touch>| TouchColumns {
        channel: t.map(|t| t.ch.as_str().to_owned()),
        source: t.and_then(|t| t.source.clone()),
        medium: t.and_then(|t| t.medium.clone()),
        campaign: t.and_then(|t| t.campaign.clone()),
        json: t.and_then(|t| serde_json::to_string(t).ok()),
    };
    let a = v.attribution.as_ref();
    NewBooking {
        id: id.to_owned(),
        site: site.key.clone(),
        idempotency_key: key.to_owned(),
        request_hash: hash.to_owned(),
        company_id: v.branch.id as i64,
        staff_id: v.staff as i64,
        services: serde_json::to_string(&v.services).unwrap_or_default(),
        datetime: v.datetime.clone(),
        name: v.name.clone(),
        phone: v.phone.as_digits().to_owned(),
        email: v.email.clone(),
        comment: v.comment.clone(),
        price_min: v.price_min,
        price_max: v.price_max,
        vid: a.map(|a| a.vid.clone()),
        sid: a.map(|a| a.sid.clone()),
        first: touch(a.and_then(|a| a.first.as_ref())),
        last: touch(a.and_then(|a| a.last.as_ref())),
        now: now_ms(),
    }
}

fn request_hash(req: &BookingRequest) -> String {
    let bytes = serde_json::to_vec(req).unwrap_or_default();
    crate::util::crypto::hex(&Sha256::digest(bytes))[..32].to_owned()
}

/// 128 random bits as 32 hex chars: our booking id and the YCLIENTS api_id.
pub fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

pub fn sorted(ids: &[u64]) -> Vec<u64> {
    let mut v = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}
