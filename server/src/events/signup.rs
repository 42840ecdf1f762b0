//! The sign-up: the same stored, idempotent, tagged path as a booking. The request is checked
//! exactly as a booking's (fields, consent, SMS code, email and comment when the branch asks),
//! the event read fresh from YCLIENTS, the row stored `pending` (with the activity and seats)
//! before `POST /activity/{company}/{event}/book` with `api_id` = our id, the comment line and
//! custom fields of [`record_body`]; an unknown outcome is looked up by `api_id` before anything
//! is sent again, and a repeat of the Idempotency-Key answers the first result.

use std::sync::Arc;

use axum::http::StatusCode;
use jiff::Timestamp;
use protocol::booking::{BookingRequest, codes};
use protocol::catalog::{Branch, Service, Services};
use protocol::events::{SignupRequest, SignupResult};
use yclients::model::{Activity, ActivityBooking};

use super::schedule::{full, seats_left, zone};
use crate::{
    app::AppState,
    booking::{
        book::{new_id, new_row, replay, request_hash, wait_for_first},
        outbound::{StoredError, checking, lookup, record_body, store_confirmed},
        request::{self, ValidBooking},
        upstream::{SiteUpstream, UpstreamError, upstream_unavailable},
    },
    config::SiteSettings,
    error::ApiError,
    store::{BookingState, Inserted},
    util::clock::now_ms,
};

/// What is signed up for: the event and the seats.
struct Wanted {
    event: Activity,
    seats: u32,
}

/// Runs a sign-up to its end: 201 for a new one, 200 for a repeat of its key.
pub async fn sign_up(
    app: &AppState,
    site: &SiteSettings,
    key: &str,
    req: SignupRequest,
) -> Result<(StatusCode, SignupResult), ApiError> {
    let hash = request_hash(&req);
    let as_booking = booking_view(&req, "2000-01-01T00:00:00+00:00");
    request::check_fields(&as_booking, site)?;
    // A repeat of a settled key answers from the store, asking YCLIENTS nothing.
    let first = app
        .store
        .booking_by_key(&site.key, key)
        .await
        .map_err(ApiError::unavailable)?;
    if let Some(state) = first {
        if state.request_hash != hash {
            return Err(key_reused());
        }
        if let Some(done) = replay(&state) {
            return done.map(|r| (StatusCode::OK, r));
        }
    }
    let up = app.upstreams.get(&site.key)?;
    let branch = app
        .catalog
        .branch(&up, req.branch)
        .await?
        .ok_or_else(|| ApiError::invalid("branch", "Такого филиала нет.", "No such branch."))?;
    let max = app.schedules.max_seats(&up, branch.id).await?;
    let seats = u32::try_from(req.seats).unwrap_or(u32::MAX);
    if seats == 0 || seats > max {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            codes::TOO_MANY_SEATS,
            format!("Онлайн можно записать от 1 до {max} человек."),
            format!("One sign-up takes 1 to {max} seats online."),
        )
        .field("seats"));
    }
    let event = match up.client.activity(branch.id, req.event).await {
        Ok(e) => e,
        Err(e) => {
            return Err(match UpstreamError::from(e) {
                UpstreamError::NotFound => gone(),
                other => other.into(),
            });
        }
    };
    let now = Timestamp::now();
    let refusal = if event.timestamp <= now.as_second() {
        Some(gone())
    } else if seats_left(&event, now) < seats {
        Some(full(app, &up, &branch, &event, seats).await)
    } else {
        None
    };
    let wanted = Wanted { event, seats };
    let valid = validate(req, &branch, &wanted)?;
    if let Some(refusal) = refusal {
        // The seats may be gone to this very sign-up: a repeat of its key answers as before.
        let first = app
            .store
            .booking_by_key(&site.key, key)
            .await
            .map_err(ApiError::unavailable)?;
        if let Some(state) = first.filter(|s| s.request_hash == hash)
            && let Some(done) = repeat(app, &up, site, state, &valid, &wanted).await
        {
            return done;
        }
        return Err(refusal);
    }
    for _ in 0..3 {
        let id = new_id();
        let mut row = new_row(&id, site, key, &hash, &valid);
        row.instance = Some(app.cluster.id().to_owned());
        row.activity_id = Some(wanted.event.id as i64);
        row.seats = i64::from(seats);
        match app
            .store
            .insert_booking(&row)
            .await
            .map_err(ApiError::unavailable)?
        {
            Inserted::New => {
                return send(app, &up, site, &id, &valid, &wanted, false)
                    .await
                    .map(|r| (StatusCode::CREATED, r));
            }
            Inserted::Existing(state) => {
                if state.request_hash != hash {
                    return Err(key_reused());
                }
                if let Some(done) = repeat(app, &up, site, state, &valid, &wanted).await {
                    return done;
                }
            }
        }
    }
    Err(upstream_unavailable())
}

fn key_reused() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        "Этот ключ уже использован для другой записи.",
        "This Idempotency-Key was already used for a different booking.",
    )
}

/// The sign-up read as a booking of the event's service, for the checks bookings share.
fn booking_view(req: &SignupRequest, datetime: &str) -> BookingRequest {
    BookingRequest {
        branch: req.branch,
        services: vec![0],
        staff: 0,
        datetime: datetime.to_owned(),
        name: req.name.clone(),
        phone: req.phone.clone(),
        email: req.email.clone(),
        comment: req.comment.clone(),
        consent: req.consent,
        code: req.code.clone(),
        website: req.website.clone(),
        attribution: req.attribution.clone(),
    }
}

fn validate(req: SignupRequest, branch: &Branch, w: &Wanted) -> Result<ValidBooking, ApiError> {
    let service = w.event.service.clone().unwrap_or_default();
    let start = Timestamp::from_second(w.event.timestamp)
        .unwrap_or_default()
        .to_zoned_datetime(zone(branch));
    let datetime = start.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string();
    let seats = f64::from(w.seats);
    let catalog = Services {
        categories: Vec::new(),
        services: vec![Service {
            id: w.event.service_id,
            category_id: service.category_id,
            title: service.title,
            price_min: service.price_min * seats,
            price_max: service.price_max * seats,
            duration: w.event.length,
            duration_max: 0,
            comment: String::new(),
        }],
    };
    let mut as_booking = booking_view(&req, &datetime);
    as_booking.services = vec![w.event.service_id];
    as_booking.staff = w.event.staff_id;
    let master = w.event.staff.as_ref().map(|s| s.name.clone());
    request::validate(
        as_booking,
        branch.clone(),
        &catalog,
        Some(master.unwrap_or_default()),
    )
}

fn gone() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        codes::EVENT_GONE,
        "Этого события больше нет в расписании или оно уже началось.",
        "This event is no longer in the schedule, or it has begun.",
    )
}

/// `POST /activity/{company}/{event}/book`; after an unknown outcome the record is looked up by
/// `api_id`, and sent once more only if it is not there.
async fn send(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    site: &SiteSettings,
    id: &str,
    valid: &ValidBooking,
    w: &Wanted,
    retried: bool,
) -> Result<SignupResult, ApiError> {
    let tagged = record_body(up, id, valid);
    let booking = ActivityBooking {
        contact: tagged.contact,
        clients_count: Some(w.seats),
        custom_fields: tagged
            .appointments
            .into_iter()
            .next()
            .map(|a| a.custom_fields)
            .unwrap_or_default(),
    };
    match up
        .client
        .activity_book(valid.branch.id, w.event.id, &booking)
        .await
    {
        Ok(made) => {
            app.metrics.upstream("activity_book", "ok");
            Ok(confirm(app, site, id, valid, w, made.id, made.hash).await)
        }
        Err(e) if e.outcome_unknown() => {
            app.metrics.upstream("activity_book", "unknown");
            tracing::warn!(signup = id, error = %e, "activity_book outcome unknown; looking it up by api_id");
            match lookup(app, up, id, valid).await {
                Some(Ok(record)) => {
                    Ok(confirm(app, site, id, valid, w, record, String::new()).await)
                }
                None if !retried => Box::pin(send(app, up, site, id, valid, w, true)).await,
                _ => {
                    let _ = app.store.mark_booking_unknown(id, now_ms()).await;
                    app.metrics.booking("unknown");
                    Err(checking())
                }
            }
        }
        Err(e) => {
            app.metrics.upstream("activity_book", "error");
            let not_sent = matches!(
                e,
                yclients::Error::Connect { .. } | yclients::Error::RateLimited { .. }
            );
            Err(settle(app, up, id, valid, w, e.into(), not_sent).await)
        }
    }
}

/// A refusal is stored (a repeat hears the same); a failure before anything was sent frees the
/// key for a retry. Full (433) names the next event.
async fn settle(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    id: &str,
    valid: &ValidBooking,
    w: &Wanted,
    e: UpstreamError,
    not_sent: bool,
) -> ApiError {
    let refused = matches!(e, UpstreamError::Refused { .. });
    let err = match e {
        UpstreamError::Refused {
            code: yclients::BookingCode::SlotTaken,
            ..
        } => {
            app.schedules.changed(valid.branch.id);
            let fresh = up.client.activity(valid.branch.id, w.event.id).await;
            full(
                app,
                up,
                &valid.branch,
                fresh.as_ref().unwrap_or(&w.event),
                w.seats,
            )
            .await
        }
        other => ApiError::from(other),
    };
    if refused || !not_sent {
        let stored = serde_json::to_string(&StoredError::from_api(&err)).unwrap_or_default();
        let _ = app.store.fail_booking(id, &stored, now_ms()).await;
        app.metrics
            .booking(if refused { err.code } else { "failed" });
    } else {
        let _ = app.store.forget_pending_booking(id).await;
        app.metrics.booking("retryable");
    }
    err
}

async fn confirm(
    app: &AppState,
    site: &SiteSettings,
    id: &str,
    valid: &ValidBooking,
    w: &Wanted,
    record: u64,
    hash: String,
) -> SignupResult {
    let cancel_url = if hash.is_empty() {
        String::new()
    } else {
        format!("{}/cancel/{}/{}?t={}", app.public_url, site.key, id, hash)
    };
    let result = SignupResult {
        id: id.to_owned(),
        event: w.event.id,
        branch: valid.branch.title.clone(),
        address: valid.branch.address.clone(),
        datetime: valid.datetime.clone(),
        timezone: valid.branch.timezone.clone(),
        length: w.event.length / 60,
        services: valid.service_titles.clone(),
        staff: valid.staff_name.clone(),
        seats: w.seats,
        price_min: valid.price_min,
        price_max: valid.price_max,
        cancel_url,
    };
    let records = serde_json::json!([{"record_id": record, "record_hash": hash}]).to_string();
    let result_json = serde_json::to_string(&result).unwrap_or_default();
    store_confirmed(app, id, &records, &result_json).await;
    // The branch's seats changed: every instance reads its schedule afresh.
    crate::booking::day_changed(app, valid.branch.id, Some(&valid.date)).await;
    app.metrics.booking("confirmed");
    tracing::info!(
        signup = id,
        company = valid.branch.id,
        event = w.event.id,
        seats = w.seats,
        "event sign-up confirmed"
    );
    result
}

/// A repeat of a key: the stored outcome, or wait for the first request, or resolve an unknown.
/// `None`: the first request let the key go (nothing was made); the caller signs up afresh.
async fn repeat(
    app: &AppState,
    up: &Arc<SiteUpstream>,
    site: &SiteSettings,
    state: BookingState,
    valid: &ValidBooking,
    w: &Wanted,
) -> Option<Result<(StatusCode, SignupResult), ApiError>> {
    let state = match wait_for_first(app, state).await? {
        Ok(state) => state,
        Err(e) => return Some(Err(e)),
    };
    if let Some(done) = replay(&state) {
        return Some(done.map(|r| (StatusCode::OK, r)));
    }
    Some(match lookup(app, up, &state.id, valid).await {
        Some(Ok(record)) => Ok((
            StatusCode::OK,
            confirm(app, site, &state.id, valid, w, record, String::new()).await,
        )),
        Some(Err(())) => Err(checking()),
        None => send(app, up, site, &state.id, valid, w, true)
            .await
            .map(|r| (StatusCode::CREATED, r)),
    })
}
