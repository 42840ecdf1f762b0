//! YCLIENTS webhooks: `POST /hooks/yclients/{site}/{secret}`. The secret in the URL (compared
//! in constant time) authenticates the sender, since YCLIENTS signs nothing. A delivery is
//! stored and answered at once; a background task processes it afterwards. The same delivery
//! twice is stored once, and processing sets absolute state, so repeats change nothing.

pub mod apply;
mod process;

use std::sync::Arc;

use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
};
use sha2::{Digest, Sha256};
use tokio::sync::{Mutex, Notify};

use crate::{error::ApiError, ingest::now_ms, startup::AppState};

pub use process::{drain, run};

/// The processor's handle: wakes it when a delivery is stored; one drain at a time.
#[derive(Clone, Default)]
pub struct Hooks {
    wake: Arc<Notify>,
    draining: Arc<Mutex<()>>,
}

impl Hooks {
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The counter of webhook deliveries by result.
pub const METRIC: &str = "zapis_webhooks_total";

/// Equal in constant time (for equal lengths; the length itself is not secret).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let (da, db) = (Sha256::digest(a), Sha256::digest(b));
    da.iter().zip(db.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `POST /hooks/yclients/{site}/{secret}`
pub async fn receive(State(app): State<AppState>, Path((site, secret)): Path<(String, String)>, body: Bytes) -> Result<Json<serde_json::Value>, ApiError> {
    let refused = || {
        app.metrics.add(METRIC, &[("result", "refused")], 1);
        ApiError::new(StatusCode::FORBIDDEN, "webhook_refused", "Неверный адрес уведомлений.", "Wrong webhook address.")
    };
    let Some(settings) = app.sites.get(&site) else { return Err(refused()) };
    let Some(expected) = &settings.webhook_secret else { return Err(refused()) };
    if !constant_time_eq(expected.expose().as_bytes(), secret.as_bytes()) {
        tracing::warn!(site = %settings.key, "webhook with a wrong secret refused");
        return Err(refused());
    }
    let text = std::str::from_utf8(&body).map_err(|_| crate::error::bad_json("not UTF-8"))?;
    let digest = crate::assets::hex(&Sha256::digest(&body));
    let new = app.store.insert_delivery(&settings.key, &digest, text, now_ms()).await.map_err(ApiError::unavailable)?;
    app.metrics.add(METRIC, &[("result", if new { "received" } else { "duplicate" })], 1);
    if new {
        app.hooks.wake();
    }
    Ok(Json(serde_json::json!({ "ok": true })))
}
