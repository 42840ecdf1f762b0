//! The webhook route: check the secret, store the delivery, wake the processor.

use axum::{
    Json, Router,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    routing::post,
};
use sha2::{Digest, Sha256};

use super::METRIC;
use crate::{
    app::AppState,
    error::ApiError,
    util::{
        clock::now_ms,
        crypto::{constant_time_eq, hex},
    },
};

pub fn router() -> Router<AppState> {
    Router::new().route("/hooks/yclients/{site}/{secret}", post(receive))
}

/// An address that guessed a hook's secret wrong a few times is refused for a while (429);
/// otherwise its key in [`crate::limits::Limits::webhook_guesses`].
pub(crate) fn stop_guessing(
    app: &AppState,
    client: &crate::net::ClientAddr,
) -> Result<String, ApiError> {
    let guesser = client.0.to_string();
    if app.limits.webhook_guesses.over(&guesser) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Слишком много неверных запросов.",
            "Too many wrong requests.",
        ));
    }
    Ok(guesser)
}

/// `POST /hooks/yclients/{site}/{secret}`
async fn receive(
    State(app): State<AppState>,
    client: crate::net::ClientAddr,
    Path((site, secret)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    // An address guessing secrets is stopped after a few wrong ones (YCLIENTS never errs).
    let guesser = stop_guessing(&app, &client)?;
    let refused = || {
        app.metrics.add(METRIC, &[("result", "refused")], 1);
        ApiError::new(
            StatusCode::FORBIDDEN,
            "webhook_refused",
            "Неверный адрес уведомлений.",
            "Wrong webhook address.",
        )
    };
    let Some(settings) = app.sites.get(&site) else {
        return Err(refused());
    };
    let Some(expected) = &settings.webhook_secret else {
        return Err(refused());
    };
    if !constant_time_eq(expected.expose().as_bytes(), secret.as_bytes()) {
        app.limits.webhook_guesses.allow(&guesser);
        tracing::warn!(site = %settings.key, "webhook with a wrong secret refused");
        return Err(refused());
    }
    let text = std::str::from_utf8(&body).map_err(|_| crate::error::bad_json("not UTF-8"))?;
    let digest = hex(&Sha256::digest(&body));
    let new = app
        .store
        .insert_delivery(&settings.key, &digest, text, now_ms())
        .await
        .map_err(ApiError::unavailable)?;
    app.metrics.add(
        METRIC,
        &[("result", if new { "received" } else { "duplicate" })],
        1,
    );
    if new {
        app.hooks.wake();
    }
    Ok(Json(serde_json::json!({ "ok": true })))
}
