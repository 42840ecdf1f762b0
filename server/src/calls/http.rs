//! `GET /api/v1/sites/{site}/number` (the number a page shows) and
//! `POST /hooks/pbx/{site}/{secret}` (the PBX's call notifications).

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use serde::Deserialize;

use super::{
    CallSettings, NumberKind, Shown, TouchFacts, matching,
    pbx::{self, CallState, Format, Refused},
};
use crate::{
    app::AppState,
    booking::params::SitePath,
    error::ApiError,
    util::{clock::now_ms, crypto::constant_time_eq},
};

/// The page's ask (CORS, with the other page-facing routes).
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/sites/{site}/number", get(number))
}

/// The owner's view of the pool (logged in; with the other reports).
pub fn owner_router() -> Router<AppState> {
    Router::new().route("/api/v1/sites/{site}/calls/pool", get(pool_use))
}

/// `GET /api/v1/sites/{site}/calls/pool?from=&to=`: how the pool was used, whether it was too
/// small, and the size the anchors' rule gives — peak visitors per hour ÷ (60 / minutes a
/// number stays with a visitor, their activity plus the tail).
async fn pool_use(
    State(app): State<AppState>,
    s: crate::auth::ApiSession,
    Path(key): Path<String>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Json<serde_json::Value>, ApiError> {
    let site = s.0.site(&app, &key).ok_or_else(ApiError::unknown_site)?;
    let calls = site.calls.as_ref().ok_or_else(ApiError::not_found)?;
    let f = crate::reports::Params::parse_query(q.as_deref())?.filters(site)?;
    let used = app
        .store
        .pool_use(&site.key, f.from_ms, f.to_ms)
        .await
        .map_err(ApiError::unavailable)?;
    let minutes = (used.average_active_ms + calls.tail_ms() as f64) / 60_000.0;
    let suggested = super::pool::suggested_size(used.peak_per_hour.max(0) as u64, minutes);
    let size = calls.pool.len() as u64;
    Ok(Json(serde_json::json!({
        "from": f.from.to_string(),
        "to": f.to.to_string(),
        "numbers": size,
        "use": used,
        "hold_minutes": minutes,
        "suggested_size": suggested,
        "too_small": used.reused > 0 || suggested > size,
    })))
}

/// The PBX's notifications (no CORS: server to server).
pub fn hooks_router() -> Router<AppState> {
    Router::new().route("/hooks/pbx/{site}/{secret}", post(receive))
}

/// What the page sends: the visitor, whether the consent mode lets it track them, and the
/// landing's campaign parameters (for a first page, before its touch is stored).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NumberQuery {
    /// The tracker's visitor id (32 hex).
    #[serde(default)]
    pub vid: Option<String>,
    /// `1` when the visitor agreed to tracking (sites with `consent = "required"`).
    #[serde(default)]
    pub consent: Option<String>,
    #[serde(default)]
    pub utm_source: Option<String>,
    #[serde(default)]
    pub utm_medium: Option<String>,
    #[serde(default)]
    pub utm_campaign: Option<String>,
    /// The tracker's context as JSON; its `first` and `last` touch (as a booking's
    /// `attribution` carries them) are the call's touch while the visitor's first beacon has
    /// not reached the server.
    #[serde(default)]
    #[param(max_length = 8192)]
    pub touch: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/sites/{site}/number",
    params(SitePath, NumberQuery),
    responses(
        (status = 200, description = "The number to show, in the format of the site's default number: a static number for the visitor's source, else one of the pool held for the visitor, else the default number (also when the consent mode does not allow tracking)", body = Shown),
        (status = 404, description = "unknown_site, or the site has no call tracking (not_found)", body = protocol::ErrorBody),
    )
)]
pub async fn number(
    State(app): State<AppState>,
    Path(SitePath { site }): Path<SitePath>,
    Query(q): Query<NumberQuery>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let settings = app.sites.get(&site).ok_or_else(ApiError::unknown_site)?;
    let calls = settings.calls.as_ref().ok_or_else(ApiError::not_found)?;
    let origin_ok = headers
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .is_none_or(|o| settings.allows(o));
    let consent_ok =
        settings.consent == protocol::site::ConsentMode::None || q.consent.as_deref() == Some("1");
    let vid = q
        .vid
        .as_deref()
        .filter(|v| protocol::track::is_id(v) && origin_ok && consent_ok);
    let shown = match vid {
        None => default_number(calls),
        Some(vid) => tracked_number(&app, &site, calls, vid, &q).await?,
    };
    let mut res = Json(shown).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn default_number(calls: &CallSettings) -> Shown {
    let digits = super::digits(&calls.default_number).unwrap_or_default();
    Shown::new(calls, &digits, NumberKind::Default)
}

async fn tracked_number(
    app: &AppState,
    site: &str,
    calls: &CallSettings,
    vid: &str,
    q: &NumberQuery,
) -> Result<Shown, ApiError> {
    let now = now_ms();
    let stored = app
        .store
        .visitor_touch(site, vid, now, false)
        .await
        .map_err(ApiError::unavailable)?;
    let clean = |v: &Option<String>| v.as_deref().map(|s| s.trim().chars().take(200).collect());
    let touch = match stored {
        Some(t) => TouchFacts {
            channel: t.channel,
            source: t.source,
            medium: t.medium,
            campaign: t.campaign,
        },
        None => TouchFacts {
            channel: None,
            source: clean(&q.utm_source),
            medium: clean(&q.utm_medium),
            campaign: clean(&q.utm_campaign),
        },
    };
    if let Some(rule) = calls.static_for(&touch) {
        let digits = super::digits(&rule.number).unwrap_or_default();
        return Ok(Shown::new(calls, &digits, NumberKind::Static));
    }
    let page = super::page_touch::PageTouch::from_ask(
        q.touch.as_deref(),
        q.utm_source.as_deref(),
        q.utm_medium.as_deref(),
        q.utm_campaign.as_deref(),
    )
    .map(|p| p.to_json());
    let leased = app
        .store
        .lease_number(
            site,
            &calls.pool_digits(),
            vid,
            now,
            calls.tail_ms(),
            page.as_deref(),
        )
        .await
        .map_err(ApiError::unavailable)?;
    Ok(match leased {
        None => default_number(calls),
        Some(l) => {
            if l.reused {
                app.metrics
                    .add("zapis_call_pool_exhausted_total", &[("site", site)], 1);
            }
            Shown::new(calls, &l.number, NumberKind::Pool)
        }
    })
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `generic`, `uis` or `onlinepbx`; recognised by the fields when absent.
    #[serde(default)]
    pub format: Option<String>,
}

/// The generic body as the OpenAPI document shows it (decoding is by [`decode`]).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct PbxNotification {
    /// The PBX's id of the call: every notification of one call carries the same.
    pub call_id: String,
    /// `started`, `answered`, `finished` or `recording`.
    pub event: String,
    /// The caller's phone in any format; stored as digits.
    pub caller: Option<String>,
    /// The number dialled (a pool, static or the default number).
    pub called: Option<String>,
    /// The SIP extension that took the call.
    pub sip: Option<String>,
    /// When this moment happened: RFC 3339, or seconds / ms since the epoch. Default: now.
    pub at: Option<String>,
    /// When the call started, if known.
    pub started_at: Option<String>,
    /// Talk seconds.
    pub duration: Option<i64>,
    /// Whether it was answered (end notifications).
    pub answered: Option<bool>,
    /// Link to the recording (http or https).
    pub recording_url: Option<String>,
    /// `incoming` (default); others are accepted and ignored.
    pub direction: Option<String>,
}

/// The hook's path: the site and its PBX secret.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
pub struct HookPath {
    /// The site key.
    pub site: String,
    /// The site's PBX webhook secret (`pbx_secret_env`).
    pub secret: String,
}

/// What the hook answers.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HookAnswer {
    pub ok: bool,
    /// zapis' id of the call the notification merged into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call: Option<String>,
    /// Why it was accepted but not stored (`not incoming`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ignored: Option<String>,
}

/// `POST /hooks/pbx/{site}/{secret}`: one notification of one call. 200 once stored (a repeat
/// changes nothing); 400 with the reason when it is not a call notification.
#[utoipa::path(
    post,
    path = "/hooks/pbx/{site}/{secret}",
    params(HookPath, FormatQuery),
    request_body(content = PbxNotification, description = "One moment of one call (the generic format; UIS and onlinePBX bodies, JSON or form-encoded, with `format=uis|onlinepbx` or recognised by their fields). Notifications of one `call_id` merge into one call in any order."),
    responses(
        (status = 200, description = "Stored (or a repeat, or not an incoming call: ignored)", body = HookAnswer),
        (status = 400, description = "bad_notification: not a call notification; the message names the field", body = protocol::ErrorBody),
        (status = 403, description = "webhook_refused: unknown site, no call tracking, or a wrong secret", body = protocol::ErrorBody),
        (status = 422, description = "invalid_field: an unknown format", body = protocol::ErrorBody),
        (status = 429, description = "rate_limited: too many wrong secrets from this address", body = protocol::ErrorBody),
    )
)]
pub async fn receive(
    State(app): State<AppState>,
    client: crate::net::ClientAddr,
    Path((site, secret)): Path<(String, String)>,
    Query(fq): Query<FormatQuery>,
    body: Bytes,
) -> Result<Json<HookAnswer>, ApiError> {
    let guesser = crate::webhooks::http::stop_guessing(&app, &client)?;
    let refused = || {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "webhook_refused",
            "Неверный адрес уведомлений.",
            "Wrong webhook address.",
        )
    };
    let settings = app.sites.get(&site).ok_or_else(refused)?;
    let calls = settings.calls.as_ref().ok_or_else(refused)?;
    let expected = calls.pbx_secret.as_ref().ok_or_else(refused)?;
    if !constant_time_eq(expected.expose().as_bytes(), secret.as_bytes()) {
        app.limits.webhook_guesses.allow(&guesser);
        tracing::warn!(site = %settings.key, "PBX webhook with a wrong secret refused");
        return Err(refused());
    }
    let format = match fq.format.as_deref() {
        None | Some("") => None,
        Some(f) => Some(Format::parse(f).ok_or_else(|| {
            ApiError::invalid(
                "format",
                "format: generic, uis или onlinepbx.",
                "format is generic, uis or onlinepbx.",
            )
        })?),
    };
    let now = now_ms();
    let event = match pbx::decode(&body, format, &settings.timezone, now) {
        Ok(e) => e,
        Err(Refused::NotIncoming) => {
            return Ok(Json(HookAnswer {
                ok: true,
                call: None,
                ignored: Some("not incoming".into()),
            }));
        }
        Err(r) => {
            return Err(ApiError::bad_request(
                "bad_notification",
                format!("Уведомление не прочитано: {r}."),
                format!("Notification not read: {r}."),
            ));
        }
    };
    let known = app
        .store
        .call(&site, &event.pbx_id)
        .await
        .map_err(ApiError::unavailable)?;
    let needs_match = known.as_ref().is_none_or(|k| k.state.called.is_empty());
    let matched = match (&event.called, needs_match) {
        (Some(called), true) => {
            let started = known
                .as_ref()
                .map_or(event.started.unwrap_or(event.at), |k| k.state.started);
            matching::match_call(&app.store, &site, calls, called, started)
                .await
                .map_err(ApiError::unavailable)?
        }
        _ => Default::default(),
    };
    let call = app
        .store
        .merge_call(
            &site,
            &event.pbx_id,
            |old| match old {
                None => CallState::new(&event),
                Some(s) => {
                    let mut s = s.clone();
                    s.apply(&event);
                    s
                }
            },
            &matched,
            now,
        )
        .await
        .map_err(ApiError::unavailable)?;
    app.metrics.add(
        "zapis_pbx_notifications_total",
        &[("stage", stage_name(event.stage))],
        1,
    );
    tokio::spawn(super::voip::forward(
        app.clone(),
        site.clone(),
        event.pbx_id.clone(),
    ));
    Ok(Json(HookAnswer {
        ok: true,
        call: Some(call.id),
        ignored: None,
    }))
}

fn stage_name(s: pbx::Stage) -> &'static str {
    match s {
        pbx::Stage::Started => "started",
        pbx::Stage::Answered => "answered",
        pbx::Stage::Finished => "finished",
        pbx::Stage::Recording => "recording",
    }
}
