//! The booking itself: stored (pending) before YCLIENTS is called, book_check → book_record with
//! `api_id` = our id, then stored again (confirmed / failed / unknown) before the visitor is
//! answered. One Idempotency-Key makes at most one YCLIENTS record: a repeat returns the first
//! result, a concurrent repeat waits for it, and after a timeout the record is looked up by
//! `api_id` before anything is sent again. The calls to YCLIENTS and the stored outcome are in
//! [`outbound`](super::outbound); this file is the entry, the key and the repeats.

use std::{sync::Arc, time::Duration};

use axum::http::StatusCode;
use protocol::booking::{BookingRequest, BookingResult};
use protocol::track::Touch;
use sha2::{Digest, Sha256};

use super::{
    outbound::{StoredError, checking, confirm, lookup, run, send_record},
    request::{self, ValidBooking, sorted},
    upstream::{SiteUpstream, upstream_unavailable},
};
use crate::{
    app::AppState,
    booking::status::BookingStatus,
    config::SiteSettings,
    error::ApiError,
    store::{BookingState, Inserted, NewBooking, TouchColumns},
    util::clock::now_ms,
};

/// How long a repeat waits for the first request with its key to finish.
const WAIT_FOR_FIRST: Duration = Duration::from_secs(30);

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
    // The chosen master's own durations (any master: the catalog's shortest; the length of what
    // YCLIENTS made is read back once booked).
    let services = app
        .catalog
        .services(&up, branch.id, req.staff, None)
        .await?;
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
        let mut row = new_row(&id, site, key, &hash, &valid);
        row.instance = Some(app.cluster.id().to_owned());
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
    state: BookingState,
    valid: &ValidBooking,
) -> Option<Result<(StatusCode, BookingResult), ApiError>> {
    let state = match wait_for_first(app, state).await? {
        Ok(state) => state,
        Err(e) => return Some(Err(e)),
    };
    if let Some(done) = replay(&state) {
        if done.is_ok() {
            app.metrics.booking("repeat");
        }
        return Some(done.map(|r| (StatusCode::OK, r)));
    }
    // unknown: find out before anything is sent again.
    Some(match lookup(app, up, &state.id, valid).await {
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
    })
}

/// Waits while the first request with the key is still running (up to [`WAIT_FOR_FIRST`]).
/// `None`: it let the key go (nothing was made).
pub(crate) async fn wait_for_first(
    app: &AppState,
    mut state: BookingState,
) -> Option<Result<BookingState, ApiError>> {
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
    Some(Ok(state))
}

/// The stored answer of a settled key: its result when confirmed, its error when failed;
/// `None` while the outcome is unknown.
pub(crate) fn replay<T: serde::de::DeserializeOwned>(
    state: &BookingState,
) -> Option<Result<T, ApiError>> {
    match state.state {
        BookingStatus::Confirmed => Some(
            state
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .ok_or_else(|| ApiError::internal("confirmed booking without result")),
        ),
        BookingStatus::Failed => {
            let stored: Option<StoredError> = state
                .error
                .as_deref()
                .and_then(|e| serde_json::from_str(e).ok());
            Some(Err(
                stored.map_or_else(upstream_unavailable, StoredError::into_api)
            ))
        }
        BookingStatus::Pending | BookingStatus::Unknown => None,
    }
}

pub(crate) fn new_row(
    id: &str,
    site: &SiteSettings,
    key: &str,
    hash: &str,
    v: &ValidBooking,
) -> NewBooking {
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
        instance: None,
        activity_id: None,
        seats: 1,
    }
}

pub(crate) fn request_hash(req: &impl serde::Serialize) -> String {
    let bytes = serde_json::to_vec(req).unwrap_or_default();
    crate::util::crypto::hex(&Sha256::digest(bytes))[..32].to_owned()
}

/// 128 random bits as 32 hex chars: our booking id and the YCLIENTS api_id.
pub fn new_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}
