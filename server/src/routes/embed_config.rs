//! `GET /api/v1/sites/{site}/embed`: what the embed needs before it tracks or shows anything.

use axum::{
    Json,
    extract::{Path, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};

use crate::{error::ApiError, startup::AppState};

#[utoipa::path(get, path = "/api/v1/sites/{site}/embed", params(("site" = String, Path, description = "Site key")), responses((status = 200, body = protocol::site::EmbedConfig), (status = 404, body = protocol::ErrorBody)))]
pub async fn embed_config(State(app): State<AppState>, Path(site): Path<String>) -> Result<Response, ApiError> {
    let site = app.sites.get(&site).ok_or_else(ApiError::unknown_site)?;
    let mut res = Json(site.embed_config()).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    Ok(res)
}
