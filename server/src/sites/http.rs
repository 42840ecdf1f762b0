//! `GET /api/v1/sites/{site}/embed`: what the embed needs before it tracks or shows anything.

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

use crate::{
    app::AppState,
    booking::params::SitePath,
    error::{ApiError, Path},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/sites/{site}/embed", get(embed_config))
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/embed",
    params(SitePath),
    responses(
        (status = 200, description = "What the embed needs", body = protocol::site::EmbedConfig),
        (status = 404, description = "unknown_site, not_found (a path segment that names nothing)", body = protocol::ErrorBody),
    )
)]
pub async fn embed_config(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
) -> Result<Response, ApiError> {
    let site = app.sites.get(&site).ok_or_else(ApiError::unknown_site)?;
    let mut config = site.embed_config();
    config.modules = app
        .assets
        .modules()
        .filter(|(name, _)| *name != "tracker" && (*name != "phone" || site.calls.is_some()))
        .map(|(name, hash)| (name.to_owned(), hash.to_owned()))
        .collect();
    let mut res = Json(config).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}
