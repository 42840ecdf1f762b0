//! `GET /health` (up, and the store answers), `GET /metrics`, `GET /api/openapi.json`, and the
//! middleware that counts requests.

use axum::{
    Json, Router,
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};

use super::openapi;
use crate::{app::AppState, error::ApiError, metrics::Metrics, store::Store};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route("/api/openapi.json", get(openapi::openapi))
}

async fn health(State(store): State<Store>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(store.pool())
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Json(json!({"status": "ok"})))
}

/// `GET /metrics`
async fn metrics(State(metrics): State<Metrics>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        metrics.render(),
    )
        .into_response()
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
