//! The HTTP surface: each capability's router merged, and the layers around them.

use std::time::Duration;

use axum::{
    Router,
    http::{HeaderName, Method, header},
    middleware,
};
use tower_http::{
    catch_panic::CatchPanicLayer,
    cors::{AllowOrigin, CorsLayer},
    limit::RequestBodyLimit,
    request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::TraceLayer,
};

use crate::{
    app::AppState, assets, booking, calls, dashboard, error, ingest, ops, reports, sites, webhooks,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Request ids: 64 random bits in hex.
#[derive(Clone, Copy)]
struct MakeRequestUuid;

impl MakeRequestId for MakeRequestUuid {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        format!("{:016x}", rand::random::<u64>())
            .parse()
            .ok()
            .map(RequestId::new)
    }
}

/// Largest request body any route accepts; routes set tighter limits of their own.
const MAX_BODY: usize = 64 * 1024;

/// Largest sheet uploaded to the dashboard's import (the only larger body).
const MAX_SHEET: usize = 8 << 20;

/// [`MAX_BODY`] for every route but a sheet's upload.
async fn body_limit(
    req: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use tower::ServiceExt;
    let limit = if dashboard::imports::takes_sheet(req.uri().path()) {
        MAX_SHEET
    } else {
        MAX_BODY
    };
    type Limited = axum::http::Request<tower_http::body::Limited<axum::body::Body>>;
    let inner = tower::service_fn(move |req: Limited| {
        let next = next.clone();
        async move { Ok::<_, std::convert::Infallible>(next.run(req.map(axum::body::Body::new)).await) }
    });
    match RequestBodyLimit::new(inner, limit).oneshot(req).await {
        Ok(res) => res.map(axum::body::Body::new),
        Err(never) => match never {},
    }
}

pub fn router(state: AppState) -> Router {
    let sites = state.sites.clone();
    let cors = CorsLayer::new()
        // A GET from any page may read its answer: for an origin the site does not allow that
        // is the 403 `origin_not_allowed` with the salon's phone, which the widget shows instead
        // of "no connection" (no credentials are ever allowed, and the handlers refuse every
        // origin not on the site's own list). Preflights (POST) stay for the sites' origins.
        .allow_origin(AllowOrigin::predicate(move |origin, parts| {
            parts.method == Method::GET || origin.to_str().is_ok_and(|o| sites.any_allows(o))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([
            header::CONTENT_TYPE,
            header::ACCEPT_LANGUAGE,
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(Duration::from_secs(86_400));

    // The widget's and the tracker's API: called from the sites' pages, so with CORS.
    let api = Router::new()
        .merge(ingest::http::router())
        .merge(sites::http::router())
        .merge(booking::http::router())
        .merge(crate::events::http::router())
        .merge(calls::http::router())
        .layer(cors);
    // The client cabinet: its own CORS (the sites' origins only, the session header).
    let cabinet = crate::cabinet::http::router(state.sites.clone());

    Router::new()
        .merge(api)
        .merge(cabinet)
        .merge(reports::http::router().layer(middleware::from_fn(ops::headers::no_store)))
        .merge(calls::http::owner_router().layer(middleware::from_fn(ops::headers::no_store)))
        .merge(dashboard::http::router())
        .merge(webhooks::http::router())
        .merge(calls::http::hooks_router())
        .merge(booking::http::cancel_router())
        .merge(ops::http::router())
        .merge(assets::http::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            ops::http::count_requests,
        ))
        .layer(middleware::from_fn(error::localize))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            ops::headers::security_headers,
        ))
        .layer(middleware::from_fn(body_limit))
        .layer(middleware::map_response(error::shape_layer_errors))
        .layer(CatchPanicLayer::custom(error::panic_response))
        // Every request gets an id (or keeps the one a proxy gave it): on its log span and in
        // the `x-request-id` answer header. The span holds the method, not the path or query
        // (they can carry ids and personal data); handlers log what they need.
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get(REQUEST_ID)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", request_id = %id, method = %req.method())
            }),
        )
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::map_request(ops::headers::sanitize_request_id))
        .merge(ops::http::readiness())
        .with_state(state)
}
