//! `POST /api/v1/voip/integration` (`setup`, `event`, `history`; 202 Accepted, an unknown CRM
//! token 401) and `GET /api/v1/voip/integration/calls` (a branch's calls).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::reply::{self, Params, body, caller};
use crate::sandbox::Shared;
use crate::sandbox::voip::{self, Notice};
use crate::sandbox::world::normalize_phone;

type Answer = Result<Response, Response>;

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub(crate) async fn integration(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    let mut world = shared.world();
    caller(&world, &headers)?;
    let v: Value = body(&bytes)?;
    // The documented `crm_token`; a public test pusher sends `crmToken`: both are read.
    let token = text(&v, "crm_token")
        .or_else(|| text(&v, "crmToken"))
        .unwrap_or_default();
    let Some(net) = world.voip.by_token_mut(&token) else {
        return Err(reply::fail(401, "Invalid CRM token"));
    };
    let command = text(&v, "command").unwrap_or_default();
    let kind = text(&v, "type").unwrap_or_default();
    match command.as_str() {
        "setup" => match kind.as_str() {
            "enable" => net.enabled = true,
            "disable" => net.enabled = false,
            _ => return Err(reply::bad_request("type must be enable or disable")),
        },
        "event" | "history" => {
            if !matches!(kind.as_str(), "incoming" | "outgoing" | "internal") {
                return Err(reply::bad_request(
                    "type must be incoming, outgoing or internal",
                ));
            }
            let phone = text(&v, "phone")
                .and_then(|p| normalize_phone(&p))
                .ok_or_else(|| reply::bad_request("phone is required (digits)"))?;
            let status = text(&v, "status").unwrap_or_else(|| "success".into());
            if !matches!(status.as_str(), "success" | "missed") {
                return Err(reply::bad_request("status must be success or missed"));
            }
            let n = Notice {
                kind,
                phone,
                diversion: text(&v, "diversion").unwrap_or_default(),
                user: text(&v, "user"),
                duration: text(&v, "duration")
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(0),
                link: text(&v, "link"),
                call_id: text(&v, "call_id"),
                status,
                date: text(&v, "date"),
            };
            if command == "event" {
                voip::show_popup(&mut world, &token, &n);
            } else {
                voip::save_history(&mut world, &token, &n);
            }
        }
        _ => {
            return Err(reply::bad_request(
                "command must be setup, event or history",
            ));
        }
    }
    Ok(reply::ok(
        StatusCode::ACCEPTED,
        &Value::Null,
        json!({ "message": "Accepted" }),
    ))
}

pub(crate) async fn calls(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Answer {
    let q = Params(q);
    let world = shared.world();
    let caller = caller(&world, &headers)?;
    let salon_id = q
        .int("salon_id")
        .ok_or_else(|| reply::bad_request("salon_id is required"))?;
    caller.company(&world, salon_id)?;
    let phone = q.get("phone").and_then(normalize_phone);
    let from = q.date("date_from").map(|d| d.to_string());
    let to = q.date("date_to").map(|d| d.to_string());
    let calls: Vec<_> = world
        .voip
        .network(caller.network_id)
        .map(|n| n.history.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|c| c.company_id == Some(salon_id))
        .filter(|c| phone.as_ref().is_none_or(|p| &c.caller_phone == p))
        .filter(|c| {
            from.as_ref()
                .is_none_or(|f| c.call_date.get(..10) >= Some(f.as_str()))
        })
        .filter(|c| {
            to.as_ref()
                .is_none_or(|t| c.call_date.get(..10) <= Some(t.as_str()))
        })
        .cloned()
        .collect();
    let count = calls.len();
    Ok(reply::ok(StatusCode::OK, &calls, json!({ "count": count })))
}

/// `/sandbox/voip/…`: the telephony hooks over HTTP.
pub(crate) fn hooks() -> axum::Router<Arc<Shared>> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/sandbox/voip/{network}", get(view))
        .route("/sandbox/voip/{network}/routes", post(add_route))
        .route("/sandbox/voip/{network}/routing", post(add_rule))
}

fn control(shared: Arc<Shared>) -> crate::sandbox::Control {
    crate::sandbox::Control::new(shared)
}

fn refused(e: String) -> Response {
    use axum::response::IntoResponse;
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Json(json!({ "error": e })),
    )
        .into_response()
}

async fn view(State(shared): State<Arc<Shared>>, Path(network): Path<u64>) -> Answer {
    use axum::response::IntoResponse;
    let view = control(shared).voip(network).ok_or_else(reply::not_found)?;
    Ok(axum::Json(view).into_response())
}

#[derive(serde::Deserialize)]
struct NewRoute {
    name: String,
    #[serde(default)]
    users: Vec<u64>,
    history: voip::HistoryMode,
}

async fn add_route(
    State(shared): State<Arc<Shared>>,
    Path(network): Path<u64>,
    bytes: Bytes,
) -> Answer {
    use axum::response::IntoResponse;
    let r: NewRoute = body(&bytes)?;
    let id = control(shared)
        .voip_add_route(network, &r.name, r.users, r.history)
        .map_err(refused)?;
    Ok(axum::Json(json!({ "id": id })).into_response())
}

#[derive(serde::Deserialize)]
struct NewRule {
    kind: voip::RuleKind,
    identifier: String,
    route_id: u64,
}

async fn add_rule(
    State(shared): State<Arc<Shared>>,
    Path(network): Path<u64>,
    bytes: Bytes,
) -> Answer {
    use axum::response::IntoResponse;
    let r: NewRule = body(&bytes)?;
    control(shared)
        .voip_add_rule(network, r.kind, &r.identifier, r.route_id)
        .map_err(refused)?;
    Ok(axum::Json(json!({ "ok": true })).into_response())
}
