//! Everything not under the API: built assets first (`/embed.js`, `/widget.<hash>.wasm`, …), then
//! the configured static site (the demo site), else a 404 in the error shape.

use axum::{
    Router,
    extract::{Request, State},
    response::{IntoResponse, Response},
};
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::{app::AppState, error::ApiError};

/// The fallback router: every path no other router claims.
pub fn router() -> Router<AppState> {
    Router::new().fallback(serve)
}

async fn serve(State(app): State<AppState>, req: Request) -> Response {
    let name = req.uri().path().trim_start_matches('/');
    if let Some(res) = app.assets.respond(name, req.headers()) {
        return res;
    }
    if let Some(res) = embedded_site(&app, &req) {
        return res;
    }
    match &app.site_dir {
        Some(dir) => match ServeDir::new(dir.as_path())
            .append_index_html_on_directories(true)
            .oneshot(req)
            .await
        {
            Ok(res) if res.status() != axum::http::StatusCode::NOT_FOUND => res.into_response(),
            _ => ApiError::not_found().into_response(),
        },
        None => ApiError::not_found().into_response(),
    }
}

/// The embedded demo site (when its folder is not on disk): `/` is its `index.html`.
fn embedded_site(app: &AppState, req: &Request) -> Option<Response> {
    let name = match req.uri().path().trim_start_matches('/') {
        "" => "index.html",
        name => name,
    };
    app.embedded_site.respond(name, req.headers())
}
