//! `GET /health` (up, and the store answers), `GET /health/ready` (and the catalogue warmed),
//! `GET /metrics`, `GET /api/openapi.json`, and the middleware that counts requests.

use axum::{
    Json, Router,
    extract::{MatchedPath, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};

use super::openapi;
use crate::{
    app::AppState,
    error::ApiError,
    metrics::{Metrics, MetricsAccess},
    store::Store,
    util::crypto::constant_time_eq,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi::openapi))
}

/// `GET /health/ready`, merged outside the request log and the request counters: a proxy polls
/// it every few seconds while an instance warms, and each "not yet" 503 would otherwise be an
/// ERROR line and a server error in `zapis_http_requests_total`.
pub fn readiness() -> Router<AppState> {
    Router::new().route("/health/ready", get(ready))
}

async fn health(State(store): State<Store>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(store.pool())
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Json(json!({"status": "ok"})))
}

/// 503 until the catalogue is warmed at start: a proxy that checks this sends visitors only to
/// instances whose free times are at hand, so a restart in a busy hour does not send every
/// visitor's first question to YCLIENTS at once (its budget would make them wait seconds).
/// Ready at the latest two minutes after start, warmed or not.
async fn ready(State(app): State<AppState>) -> Result<Response, ApiError> {
    let store = app.store.clone();
    // Not ready when the store does not answer either.
    let _up = health(State(store)).await?;
    if app.catalog.ready() {
        Ok(Json(json!({"status": "ok"})).into_response())
    } else {
        Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "warming"})),
        )
            .into_response())
    }
}

/// `GET /metrics` on the public address: as `[http]` allows (see [`MetricsAccess`]).
async fn metrics(State(metrics): State<Metrics>, headers: HeaderMap) -> Response {
    match &metrics.access {
        MetricsAccess::Public => {}
        MetricsAccess::Hidden => return ApiError::not_found().into_response(),
        MetricsAccess::Token(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if given.is_empty() || !constant_time_eq(given.as_bytes(), token.expose().as_bytes()) {
                let mut res = ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "Нужен токен метрик.",
                    "The metrics token is required.",
                )
                .into_response();
                res.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return res;
            }
        }
    }
    render_metrics(&metrics)
}

fn render_metrics(metrics: &Metrics) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
        .into_response()
}

/// The router of `metrics_addr`: `/metrics` to anyone who reaches that address, and `/health`.
pub fn metrics_router(metrics: Metrics, store: Store) -> Router {
    Router::new()
        .route(
            "/metrics",
            get(move || {
                let metrics = metrics.clone();
                async move { render_metrics(&metrics) }
            }),
        )
        .route("/health", get(health))
        .with_state(store)
}

/// Middleware: counts every request by its route pattern (never the raw path) and status.
pub async fn count_requests(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched".to_owned(), |p| p.as_str().to_owned());
    let res = next.run(req).await;
    metrics.add(
        "zapis_http_requests_total",
        &[("route", &route), ("status", res.status().as_str())],
        1,
    );
    res
}
