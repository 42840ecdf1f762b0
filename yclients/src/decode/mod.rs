//! The response envelope `{success, data, meta}` and the error bodies YCLIENTS sends.
//!
//! [`decode_response`] is what the client runs on every answer; it is public so that
//! other code (a webhook receiver, a cache replaying stored bodies) can decode the same way.

pub mod flex;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiErrorItem, BookingError, Error, Result};

/// `meta` of an envelope, whichever shape it came in (`[]`, `{}`, `{"message"}`,
/// `{"count"}`, `{"page", "total_count"}`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// `meta.message` (`"Created"`, an error text).
    pub message: Option<String>,
    /// `meta.count` (activity search).
    pub count: Option<u64>,
    /// `meta.page` (records list).
    pub page: Option<u64>,
    /// `meta.total_count` (records list, categories).
    pub total_count: Option<u64>,
}

impl Meta {
    fn from_value(meta: Option<&Value>) -> Meta {
        let Some(Value::Object(map)) = meta else {
            return Meta::default();
        };
        let number = |key: &str| {
            map.get(key)
                .and_then(|v| flex::number_of(v).ok().flatten())
                .map(|n| n.max(0.0) as u64)
        };
        Meta {
            message: map
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_owned),
            count: number("count"),
            page: number("page"),
            total_count: number("total_count"),
        }
    }
}

/// A decoded successful answer: its `data` and its `meta`.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded<T> {
    /// The `data` section (the whole body for the few answers sent without an envelope).
    pub data: T,
    /// The `meta` section.
    pub meta: Meta,
}

/// Decodes one answer of `endpoint` with HTTP `status`.
///
/// A failure is any status ≥ 400, `success: false` (with any status, 2xx included), or a
/// legacy top-level `errors` object. Failures become [`Error::Booking`] when any error item
/// carries a code 431–438, [`Error::Api`] otherwise.
pub fn decode_response<T: DeserializeOwned>(
    endpoint: &'static str,
    status: u16,
    body: &[u8],
) -> Result<Decoded<T>> {
    let trimmed = body.trim_ascii();
    let json: Value = if trimmed.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(trimmed) {
            Ok(v) => v,
            Err(e) if status < 400 => {
                return Err(Error::Decode {
                    endpoint,
                    message: format!("body is not JSON: {e}"),
                });
            }
            Err(_) => {
                let text = String::from_utf8_lossy(trimmed);
                let message: String = text.chars().take(200).collect();
                return Err(Error::Api {
                    endpoint,
                    status,
                    message,
                    errors: Vec::new(),
                });
            }
        }
    };
    if is_failure(status, &json) {
        return Err(failure(endpoint, status, &json));
    }
    let (data, meta) = split_envelope(json);
    let data = serde_json::from_value(data).map_err(|e| Error::Decode {
        endpoint,
        message: e.to_string(),
    })?;
    Ok(Decoded { data, meta })
}

fn is_failure(status: u16, body: &Value) -> bool {
    if status >= 400 {
        return true;
    }
    match body.get("success") {
        Some(Value::Bool(false)) => true,
        Some(Value::Bool(true)) => false,
        _ => body.get("errors").is_some_and(|e| !is_empty(e)),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn split_envelope(body: Value) -> (Value, Meta) {
    match body {
        Value::Object(mut map) if map.contains_key("success") || map.contains_key("data") => {
            let meta = Meta::from_value(map.get("meta"));
            (map.remove("data").unwrap_or(Value::Null), meta)
        }
        other => (other, Meta::default()),
    }
}

/// Builds the error for a failed answer from whichever error shape it carries.
fn failure(endpoint: &'static str, status: u16, body: &Value) -> Error {
    let meta = body.get("meta");
    let mut items = Vec::new();
    if let Some(errors) = meta.and_then(|m| m.get("errors")) {
        collect_items(errors, &mut items);
    }
    if let Some(errors) = body.get("errors") {
        collect_items(errors, &mut items);
    }
    let message = meta
        .and_then(|m| m.get("message"))
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .or_else(|| {
            items
                .iter()
                .map(|i| i.message.clone())
                .find(|m| !m.is_empty())
        })
        .unwrap_or_else(|| format!("HTTP {status}"));
    let booking = items.iter().find_map(|item| {
        let code = item.code.and_then(crate::BookingCode::from_code)?;
        Some(BookingError {
            code,
            status,
            message: if item.message.is_empty() {
                message.clone()
            } else {
                item.message.clone()
            },
            appointment_id: item.id,
        })
    });
    match booking {
        Some(booking) => Error::Booking(booking),
        None => Error::Api {
            endpoint,
            status,
            message,
            errors: items,
        },
    }
}

fn collect_items(errors: &Value, out: &mut Vec<ApiErrorItem>) {
    match errors {
        Value::Array(list) => list.iter().for_each(|e| collect_items(e, out)),
        Value::String(s) => out.push(ApiErrorItem {
            message: s.clone(),
            ..ApiErrorItem::default()
        }),
        Value::Object(map) if map.contains_key("code") || map.contains_key("message") => {
            let int = |key: &str| map.get(key).and_then(|v| flex::number_of(v).ok().flatten());
            out.push(ApiErrorItem {
                code: int("code").and_then(|c| u16::try_from(c as i64).ok()),
                id: int("id").and_then(|i| u64::try_from(i as i64).ok()),
                field: None,
                message: map.get("message").map(message_text).unwrap_or_default(),
            });
        }
        Value::Object(fields) => out.extend(fields.iter().map(|(field, message)| ApiErrorItem {
            field: Some(field.clone()),
            message: message_text(message),
            ..ApiErrorItem::default()
        })),
        _ => {}
    }
}

fn message_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(parts) => parts
            .iter()
            .map(message_text)
            .collect::<Vec<_>>()
            .join("; "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BookingCode;

    #[test]
    fn legacy_error_object_under_201_is_a_booking_error() {
        let body =
            r#"{"errors":{"code":437,"id":2,"message":"Пересечение с предыдущим визитом."}}"#
                .as_bytes();
        let err = decode_response::<Value>("book_check", 201, body).unwrap_err();
        let Error::Booking(b) = err else {
            panic!("{err:?}")
        };
        assert_eq!(
            (b.code, b.appointment_id, b.status),
            (BookingCode::AppointmentsOverlap, Some(2), 201)
        );
    }

    #[test]
    fn field_validation_maps_become_items() {
        let body = br#"{"success":false,"data":null,"meta":{"message":"Validation","errors":[{"phone":["bad"]}]}}"#;
        let Error::Api {
            errors, message, ..
        } = decode_response::<Value>("x", 422, body).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(message, "Validation");
        assert_eq!(errors[0].field.as_deref(), Some("phone"));
        assert_eq!(errors[0].message, "bad");
    }

    #[test]
    fn a_bare_body_without_envelope_is_the_data() {
        let d = decode_response::<Value>("auth", 201, br#"{"user_token":"t","id":1}"#).unwrap();
        assert_eq!(d.data["id"], 1);
    }
}
