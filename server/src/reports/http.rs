//! The reports as JSON, for an owner logged in to the dashboard (the same session cookie;
//! writes also need the session's `X-CSRF-Token`). Another owner's site is "not found".

use axum::{
    Json, Router,
    extract::{Path, RawQuery, State},
    http::HeaderMap,
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Params, channels, csv, erase, leads, overview, visitor};
use crate::{
    app::AppState,
    auth::ApiSession,
    config::SiteSettings,
    error::{ApiError, Json as JsonBody, Lang},
    reconcile,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", get(session))
        .route("/api/v1/sites/{site}/leads", get(leads_json))
        .route("/api/v1/sites/{site}/leads.csv", get(leads_csv))
        .route("/api/v1/sites/{site}/visitors/{vid}", get(visitor_card))
        .route("/api/v1/sites/{site}/channels", get(channels_json))
        .route("/api/v1/sites/{site}/overview", get(overview_json))
        .route("/api/v1/sites/{site}/reconcile", post(reconcile_now))
        .route("/api/v1/sites/{site}/erasures", post(erasure))
}

fn own<'a>(app: &'a AppState, s: &ApiSession, key: &str) -> Result<&'a SiteSettings, ApiError> {
    s.0.site(app, key).ok_or_else(ApiError::unknown_site)
}

/// `GET /api/v1/session`: who is logged in, their sites, the CSRF token for writes.
async fn session(s: ApiSession) -> Json<Value> {
    Json(json!({ "login": s.0.login, "sites": s.0.sites, "csrf": s.0.csrf }))
}

async fn leads_json(
    State(app): State<AppState>,
    s: ApiSession,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let site = own(&app, &s, &key)?;
    let f = Params::parse_query(q.as_deref())?.filters(site)?;
    let rows = leads::leads(&app, site, &f).await?;
    Ok(Json(
        json!({ "from": f.from.to_string(), "to": f.to.to_string(), "leads": rows }),
    ))
}

async fn leads_csv(
    State(app): State<AppState>,
    s: ApiSession,
    headers: HeaderMap,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let site = own(&app, &s, &key)?;
    let f = Params::parse_query(q.as_deref())?.filters(site)?;
    let rows = leads::leads(&app, site, &f).await?;
    Ok(csv::response(
        &csv::leads(&rows, Lang::from_headers(&headers)),
        &format!("leads-{}-{}.csv", f.from, f.to),
    ))
}

async fn visitor_card(
    State(app): State<AppState>,
    s: ApiSession,
    Path((key, vid)): Path<(String, String)>,
) -> Result<Json<visitor::VisitorCard>, ApiError> {
    let site = own(&app, &s, &key)?;
    Ok(Json(visitor::card(&app, site, &vid).await?))
}

async fn channels_json(
    State(app): State<AppState>,
    s: ApiSession,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<channels::ChannelsReport>, ApiError> {
    let site = own(&app, &s, &key)?;
    let f = Params::parse_query(q.as_deref())?.filters(site)?;
    Ok(Json(channels::report(&app, site, &f).await?))
}

async fn overview_json(
    State(app): State<AppState>,
    s: ApiSession,
    Path(key): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<overview::Overview>, ApiError> {
    let site = own(&app, &s, &key)?;
    let f = Params::parse_query(q.as_deref())?.filters(site)?;
    Ok(Json(overview::overview(&app, site, &f).await?))
}

async fn reconcile_now(
    State(app): State<AppState>,
    s: ApiSession,
    Path(key): Path<String>,
) -> Result<Json<reconcile::Report>, ApiError> {
    let site = own(&app, &s, &key)?;
    crate::webhooks::drain(&app)
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Json(reconcile::reconcile_site(&app, &site.key).await))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErasureRequest {
    #[serde(default)]
    visitor: Option<String>,
    #[serde(default)]
    phone: Option<String>,
}

async fn erasure(
    State(app): State<AppState>,
    s: ApiSession,
    Path(key): Path<String>,
    JsonBody(req): JsonBody<ErasureRequest>,
) -> Result<Json<Value>, ApiError> {
    let site = own(&app, &s, &key)?;
    let target = match (&req.visitor, &req.phone) {
        (Some(v), None) => erase::Target::Visitor(v),
        (None, Some(p)) => erase::Target::Phone(p),
        _ => {
            return Err(ApiError::invalid(
                "visitor",
                "Укажите visitor или phone.",
                "Give either visitor or phone.",
            ));
        }
    };
    let erased = erase::erase(&app, &site.key, &s.0.login, target).await?;
    Ok(Json(json!({
        "erased": erased,
        "remains": erase::remains(&erased).into_iter().map(|(_, en)| en).collect::<Vec<_>>(),
    })))
}
