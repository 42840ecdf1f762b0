//! `/sandbox/…`: the [`Control`] hooks over HTTP, for tests in another process.
//! Plain JSON bodies (no envelope); not counted, not rate-limited, not faulted.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::sandbox::{Control, ErrorStyle, Fault, Shared};

type Hooks = State<Arc<Shared>>;

fn control(shared: Arc<Shared>) -> Control {
    Control::new(shared)
}

fn done(result: anyhow::Result<impl serde::Serialize>) -> Response {
    match result {
        Ok(value) => Json(value).into_response(),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": e.to_string() })),
        )
            .into_response(),
    }
}

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/sandbox/clock", get(clock).post(move_clock))
        .route("/sandbox/calls", get(calls).delete(reset_calls))
        .route("/sandbox/calls/{endpoint}", get(calls_of))
        .route("/sandbox/sms/{phone}", get(sms))
        .route("/sandbox/faults", post(add_fault).delete(clear_faults))
        .route("/sandbox/rate_limit", post(rate_limit))
        .route("/sandbox/webhooks", post(webhooks))
        .route("/sandbox/error_style", post(error_style))
        .route("/sandbox/networks", get(networks))
        .route("/sandbox/records", get(records))
        .route("/sandbox/records/{id}", get(record))
        .route("/sandbox/records/{id}/attendance", post(attendance))
        .route("/sandbox/records/{id}/payments", post(payment))
        .route("/sandbox/records/{id}/cancel", post(cancel))
        .route(
            "/sandbox/companies/{id}/phone_confirmation",
            post(phone_confirmation),
        )
        .route(
            "/sandbox/companies/{id}/services/{service_id}/retire",
            post(retire),
        )
        .route("/sandbox/companies/{id}/blacklist", post(blacklist))
}

async fn clock(State(s): Hooks) -> Response {
    Json(json!({ "now": control(s).now().to_string() })).into_response()
}

#[derive(Deserialize)]
struct MoveClock {
    advance_seconds: Option<i64>,
    now: Option<Timestamp>,
}

async fn move_clock(State(s): Hooks, Json(m): Json<MoveClock>) -> Response {
    let c = control(s);
    if let Some(secs) = m.advance_seconds {
        c.advance_clock(SignedDuration::from_secs(secs));
    }
    if let Some(now) = m.now {
        c.set_now(now);
    }
    Json(json!({ "now": c.now().to_string() })).into_response()
}

async fn calls(State(s): Hooks) -> Response {
    Json(control(s).all_calls()).into_response()
}

async fn calls_of(State(s): Hooks, Path(endpoint): Path<String>) -> Response {
    let calls = control(s).calls(&endpoint);
    Json(json!({ "endpoint": endpoint, "calls": calls })).into_response()
}

async fn reset_calls(State(s): Hooks) -> Response {
    control(s).reset_calls();
    StatusCode::NO_CONTENT.into_response()
}

async fn sms(State(s): Hooks, Path(phone): Path<String>) -> Response {
    match control(s).last_sms_code(&phone) {
        Some(code) => Json(json!({ "phone": phone, "code": code })).into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "no code for this phone" })),
        )
            .into_response(),
    }
}

async fn add_fault(State(s): Hooks, Json(fault): Json<Fault>) -> Response {
    control(s).inject(fault);
    StatusCode::NO_CONTENT.into_response()
}

async fn clear_faults(State(s): Hooks) -> Response {
    control(s).clear_faults();
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct Switch {
    enabled: bool,
}

async fn rate_limit(State(s): Hooks, Json(on): Json<Switch>) -> Response {
    control(s).set_rate_limit(on.enabled);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct Urls {
    urls: Vec<String>,
}

async fn webhooks(State(s): Hooks, Json(u): Json<Urls>) -> Response {
    control(s).set_webhook_urls(u.urls);
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct Style {
    style: ErrorStyle,
}

async fn error_style(State(s): Hooks, Json(style): Json<Style>) -> Response {
    control(s).set_error_style(style.style);
    StatusCode::NO_CONTENT.into_response()
}

async fn networks(State(s): Hooks) -> Response {
    let list: Vec<Value> = control(s)
        .networks()
        .into_iter()
        .map(|n| {
            json!({
                "id": n.id, "title": n.title, "partner_token": n.partner_token, "admin_login": n.admin_login,
                "admin_password": n.admin_password, "user_token": n.user_token, "company_ids": n.company_ids,
            })
        })
        .collect();
    Json(list).into_response()
}

async fn records(State(s): Hooks) -> Response {
    Json(control(s).records()).into_response()
}

async fn record(State(s): Hooks, Path(id): Path<u64>) -> Response {
    done(
        control(s)
            .record(id)
            .ok_or_else(|| anyhow::anyhow!("no record {id}")),
    )
}

#[derive(Deserialize)]
struct Attendance {
    attendance: i8,
}

async fn attendance(State(s): Hooks, Path(id): Path<u64>, Json(a): Json<Attendance>) -> Response {
    done(control(s).set_attendance(id, a.attendance))
}

#[derive(Deserialize, Default)]
struct Payment {
    amount: Option<f64>,
}

/// `{"amount": N}` adds a payment; `{}` pays what is left.
async fn payment(State(s): Hooks, Path(id): Path<u64>, Json(p): Json<Payment>) -> Response {
    let c = control(s);
    done(match p.amount {
        Some(amount) => c.add_payment(id, amount),
        None => c.pay_in_full(id),
    })
}

async fn cancel(State(s): Hooks, Path(id): Path<u64>) -> Response {
    done(control(s).cancel_record(id))
}

async fn phone_confirmation(
    State(s): Hooks,
    Path(id): Path<u64>,
    Json(on): Json<Switch>,
) -> Response {
    done(control(s).set_phone_confirmation(id, on.enabled))
}

async fn retire(State(s): Hooks, Path((id, service_id)): Path<(u64, u64)>) -> Response {
    done(control(s).retire_service(id, service_id))
}

#[derive(Deserialize)]
struct Phone {
    phone: String,
}

async fn blacklist(State(s): Hooks, Path(id): Path<u64>, Json(p): Json<Phone>) -> Response {
    done(control(s).blacklist_phone(id, &p.phone))
}
