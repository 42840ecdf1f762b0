//! Envelopes, error bodies, query parameters and the Authorization header, as YCLIENTS
//! writes and reads them.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::{Value, json};

use crate::sandbox::ErrorStyle;
use crate::sandbox::rules::Refusal;
use crate::sandbox::world::{Company, World};

fn status_of(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

/// `{"success": true, "data": …, "meta": …}`.
pub(crate) fn ok<T: Serialize>(status: StatusCode, data: &T, meta: Value) -> Response {
    match serde_json::to_value(data) {
        Ok(data) => json_response(
            status,
            &json!({ "success": true, "data": data, "meta": meta }),
        ),
        Err(e) => server_message(500, &e.to_string()),
    }
}

/// `201 {"success": true, "meta": {"message": "Created"}}` (no `data` key, as documented).
pub(crate) fn created() -> Response {
    json_response(
        StatusCode::CREATED,
        &json!({ "success": true, "meta": { "message": "Created" } }),
    )
}

/// `{"success": false, "data": null, "meta": {"message": …}}`.
pub(crate) fn fail(status: u16, message: &str) -> Response {
    json_response(
        status_of(status),
        &json!({ "success": false, "data": null, "meta": { "message": message } }),
    )
}

/// 404 with `meta: []`, as documented.
pub(crate) fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({ "success": false, "data": null, "meta": [] }),
    )
}

pub(crate) fn unauthorized() -> Response {
    fail(401, "Authentication needed.")
}

pub(crate) fn forbidden() -> Response {
    fail(403, "Access denied.")
}

pub(crate) fn bad_request(message: &str) -> Response {
    fail(400, message)
}

fn server_message(status: u16, message: &str) -> Response {
    fail(status, message)
}

/// A 5xx (or any status) with an error body, for faults.
pub(crate) fn server_error(status: u16) -> Response {
    let reason = status_of(status)
        .canonical_reason()
        .unwrap_or("Server Error");
    server_message(status, reason)
}

/// 429 with the (invented, see README) body and `Retry-After`.
pub(crate) fn too_many_requests(retry_after: Option<u64>) -> Response {
    let mut response = fail(429, "Too Many Requests");
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// A booking refusal in the configured error shape.
pub(crate) fn refusal(style: ErrorStyle, r: &Refusal) -> Response {
    let mut item = json!({ "code": r.code, "message": r.message });
    if let Some(id) = r.id {
        item["id"] = json!(id);
    }
    let body = match style {
        ErrorStyle::Current => {
            json!({ "success": false, "data": null, "meta": { "message": "An error has occurred", "errors": [item] } })
        }
        ErrorStyle::Legacy => json!({ "errors": item, "meta": { "message": r.message } }),
    };
    json_response(status_of(r.status), &body)
}

/// Query parameters as sent: `key[]=1&key[]=2`, `key=1&key=2` and `key=1,2` all read as lists.
pub(crate) struct Params(pub Vec<(String, String)>);

impl Params {
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn int(&self, key: &str) -> Option<u64> {
        self.get(key)?.trim().parse().ok()
    }

    pub(crate) fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| v != "0" && v != "false")
    }

    pub(crate) fn date(&self, key: &str) -> Option<Date> {
        let v = self.get(key)?;
        v.get(..10).unwrap_or(v).parse().ok()
    }

    pub(crate) fn ids(&self, key: &str) -> Vec<u64> {
        let bracketed = format!("{key}[]");
        self.0
            .iter()
            .filter(|(k, _)| *k == key || *k == bracketed)
            .flat_map(|(_, v)| v.split(','))
            .filter_map(|v| v.trim().parse().ok())
            .collect()
    }
}

/// Who is calling: the partner's network and the user token, if any.
pub(crate) struct Caller {
    pub network_id: u64,
    pub user_token: Option<String>,
}

/// Reads `Authorization: Bearer <partner>[, User <user>]` (spaces around the comma optional).
pub(crate) fn caller(world: &World, headers: &HeaderMap) -> Result<Caller, Response> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unauthorized)?;
    let mut partner = None;
    let mut user = None;
    for part in value.split(',').map(str::trim) {
        let (scheme, token) = part.split_once(' ').unwrap_or((part, ""));
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => partner = Some(token.trim().to_owned()),
            "user" => user = Some(token.trim().to_owned()).filter(|t| !t.is_empty()),
            _ => {}
        }
    }
    let partner = partner.ok_or_else(unauthorized)?;
    let network = world
        .networks
        .iter()
        .find(|n| n.partner_token == partner)
        .ok_or_else(unauthorized)?;
    Ok(Caller {
        network_id: network.id,
        user_token: user,
    })
}

impl Caller {
    /// A branch of the caller's network: 404 when unknown, 403 when another network's.
    pub(crate) fn company<'w>(
        &self,
        world: &'w World,
        company_id: u64,
    ) -> Result<&'w Company, Response> {
        let company = world.companies.get(&company_id).ok_or_else(not_found)?;
        if company.network_id != self.network_id {
            return Err(forbidden());
        }
        Ok(company)
    }

    /// Whether the user token is an admin's of the caller's network.
    pub(crate) fn is_admin(&self, world: &World) -> bool {
        let Some(token) = &self.user_token else {
            return false;
        };
        world
            .network(self.network_id)
            .is_some_and(|n| n.admins.iter().any(|a| &a.user_token == token))
    }

    /// Requires an admin user token: 401 without a user token, 403 with someone else's.
    pub(crate) fn require_admin(&self, world: &World) -> Result<(), Response> {
        match (&self.user_token, self.is_admin(world)) {
            (None, _) => Err(fail(401, "User authorization required.")),
            (Some(_), false) => Err(forbidden()),
            (Some(_), true) => Ok(()),
        }
    }
}

/// Parses a JSON body into `T`, answering 400 in the API's shape when it does not fit.
pub(crate) fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(bytes).map_err(|e| bad_request(&format!("Invalid request body: {e}")))
}
