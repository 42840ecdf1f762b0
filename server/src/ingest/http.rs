//! The ingest route: decode, check the site and origin, hand to the [`Writer`](super::Writer).

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    routing::post,
};
use protocol::{
    beacon::{self, BeaconError},
    track::{self, Ack, Batch},
};

use crate::net::ClientAddr;

use super::{bots, quota, writer};
use crate::{app::AppState, error::ApiError, store::Received, util::clock::now_ms};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/t", post(ingest))
}

#[utoipa::path(post, path = "/api/v1/t", request_body(content = Batch, content_type = "text/plain", description = "One tracker batch as JSON (sendBeacon sends text/plain)"), responses((status = 200, description = "Stored durably", body = Ack), (status = 400, body = protocol::ErrorBody), (status = 403, body = protocol::ErrorBody), (status = 404, body = protocol::ErrorBody), (status = 413, body = protocol::ErrorBody), (status = 422, body = protocol::ErrorBody), (status = 429, description = "rate_limited: too many events from this address or visitor, or the site's daily quota is used up", body = protocol::ErrorBody), (status = 503, body = protocol::ErrorBody)))]
pub async fn ingest(
    State(app): State<AppState>,
    client: ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Ack>, ApiError> {
    let mut batch = beacon::decode(&body).map_err(refused)?;
    let site = app
        .sites
        .get(&batch.site)
        .ok_or_else(ApiError::unknown_site)?;
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !site.allows(origin) {
        if !origin.is_empty() {
            let page = batch.events.first().map(|e| e.path.as_str());
            app.refusals.note(&site.key, origin, page).await;
        }
        return Err(ApiError::origin_not_allowed());
    }
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if (!site.allow_webdriver && bots::automated(ua))
        || (!site.allow_localhost && bots::local_origin(origin))
    {
        return Ok(Json(Ack { stored: 0 }));
    }
    // A secret never reaches the store: the widget's `booked` event carries the visitor's cancel
    // link, and a site's own events may carry a token.
    for e in &mut batch.events {
        if let Some(props) = e.props.take() {
            let kind = match e.t {
                track::EventType::Booked => "booked",
                _ => "custom",
            };
            e.props = Some(crate::util::props::clean_map(kind, props)).filter(|p| !p.is_empty());
        }
    }
    // The server, not the tracker, decides the channel (DESIGN.md §4).
    batch.touch = crate::attribution::classify(&batch.touch);
    let stored = batch.events.len() as u32;
    let at = now_ms();
    let ip = client.0.to_string();
    if let Err(refusal) =
        app.limits
            .ingest
            .admit(&batch.site, &ip, &batch.vid, batch.events.len(), at)
    {
        app.metrics.add(
            "zapis_ingest_refused_total",
            &[("reason", refusal.label())],
            u64::from(stored),
        );
        if refusal == quota::Refusal::SiteQuota {
            tracing::warn!(site = %batch.site, "the site's daily event quota is used up");
        }
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            protocol::booking::codes::RATE_LIMITED,
            "Слишком много событий. Попробуйте позже.",
            "Too many events. Please try again later.",
        ));
    }
    let received = Received { batch, at };
    app.ingest.write(received).await.map_err(|e| match e {
        writer::WriteError::Busy => ApiError::unavailable(e),
        other => ApiError::unavailable(other),
    })?;
    app.metrics
        .add("zapis_events_ingested_total", &[], u64::from(stored));
    Ok(Json(Ack { stored }))
}

/// The answer to a refused beacon body: 413, 400 (not JSON / not a batch) or 422 naming the field.
fn refused(e: BeaconError) -> ApiError {
    let max_events = track::MAX_EVENTS_PER_BATCH;
    match e {
        BeaconError::TooLarge => ApiError::payload_too_large(),
        BeaconError::Malformed(e) => crate::error::bad_json(e),
        BeaconError::VisitorId => ApiError::invalid(
            "vid",
            "Некорректный идентификатор посетителя.",
            "Malformed visitor id.",
        ),
        BeaconError::SessionId => ApiError::invalid(
            "sid",
            "Некорректный идентификатор сессии.",
            "Malformed session id.",
        ),
        BeaconError::EventCount => ApiError::invalid(
            "events",
            format!("В пакете должно быть от 1 до {max_events} событий."),
            format!("A batch holds 1 to {max_events} events."),
        ),
        BeaconError::TextTooLong => ApiError::invalid(
            "events",
            format!("Поле длиннее {} символов.", track::MAX_TEXT),
            format!("A field is longer than {} characters.", track::MAX_TEXT),
        ),
    }
}
