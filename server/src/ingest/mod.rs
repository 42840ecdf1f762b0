//! `POST /api/v1/t`: the tracker's beacons. The body is `protocol::track::Batch` as JSON, sent as
//! `text/plain` (sendBeacon), so the content type is not checked. A request is answered only
//! after the transaction holding its events has committed (see [`writer`]).

pub mod writer;

use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, header},
};
use protocol::track::{self, Ack, Batch};

use crate::{error::ApiError, startup::AppState, store::Received};

pub use writer::Writer;

#[utoipa::path(post, path = "/api/v1/t", request_body(content = Batch, content_type = "text/plain", description = "One tracker batch as JSON (sendBeacon sends text/plain)"), responses((status = 200, description = "Stored durably", body = Ack), (status = 400, body = protocol::ErrorBody), (status = 403, body = protocol::ErrorBody), (status = 404, body = protocol::ErrorBody), (status = 413, body = protocol::ErrorBody), (status = 422, body = protocol::ErrorBody), (status = 503, body = protocol::ErrorBody)))]
pub async fn ingest(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Json<Ack>, ApiError> {
    if body.len() > track::MAX_BATCH_BYTES {
        return Err(ApiError::payload_too_large());
    }
    let batch: Batch = serde_json::from_slice(&body).map_err(crate::error::bad_json)?;
    let site = app.sites.get(&batch.site).ok_or_else(ApiError::unknown_site)?;
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !site.allows(origin) {
        return Err(ApiError::origin_not_allowed());
    }
    validate(&batch)?;
    let stored = batch.events.len() as u32;
    let received = Received { batch, at: now_ms() };
    app.ingest.write(received).await.map_err(|e| match e {
        writer::WriteError::Busy => ApiError::unavailable(e),
        other => ApiError::unavailable(other),
    })?;
    Ok(Json(Ack { stored }))
}

fn validate(b: &Batch) -> Result<(), ApiError> {
    if !track::is_id(&b.vid) {
        return Err(ApiError::invalid("vid", "Некорректный идентификатор посетителя.", "Malformed visitor id."));
    }
    if !track::is_id(&b.sid) {
        return Err(ApiError::invalid("sid", "Некорректный идентификатор сессии.", "Malformed session id."));
    }
    if b.events.is_empty() || b.events.len() > track::MAX_EVENTS_PER_BATCH {
        return Err(ApiError::invalid(
            "events",
            format!("В пакете должно быть от 1 до {} событий.", track::MAX_EVENTS_PER_BATCH),
            format!("A batch holds 1 to {} events.", track::MAX_EVENTS_PER_BATCH),
        ));
    }
    let t = &b.touch;
    let touch_texts = [&t.source, &t.medium, &t.campaign, &t.content, &t.term, &t.yclid, &t.gclid, &t.fbclid, &t.referrer, &t.landing];
    let event_texts = b.events.iter().flat_map(|e| [Some(&e.path), e.title.as_ref(), e.name.as_ref()]);
    let too_long = touch_texts.into_iter().flatten().chain(event_texts.flatten()).any(|s| s.len() > track::MAX_TEXT)
        || b.events.iter().any(|e| e.props.as_ref().is_some_and(|p| serde_json::to_string(p).map_or(true, |s| s.len() > track::MAX_TEXT)));
    if too_long {
        return Err(ApiError::invalid(
            "events",
            format!("Поле длиннее {} символов.", track::MAX_TEXT),
            format!("A field is longer than {} characters.", track::MAX_TEXT),
        ));
    }
    Ok(())
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}
