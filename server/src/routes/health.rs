//! `GET /health`: up, and the store answers.

use axum::{Json, extract::State};
use serde_json::{Value, json};

use crate::{error::ApiError, startup::AppState};

pub async fn health(State(app): State<AppState>) -> Result<Json<Value>, ApiError> {
    sqlx::query("SELECT 1").execute(app.store.pool()).await.map_err(ApiError::unavailable)?;
    Ok(Json(json!({"status": "ok"})))
}
