//! Event props without secrets. The widget's `booked` event carries the booking answer, cancel
//! link (with its token) included; a site's own events may carry anything. What is stored
//! (ingest) and what an owner reads (the visitor card) goes through [`clean`].

use serde_json::{Map, Value};

/// What a `booked` event keeps: what describes the booking, never its cancel link.
const BOOKED_KEYS: [&str; 9] = [
    "id",
    "branch",
    "datetime",
    "timezone",
    "length",
    "services",
    "staff",
    "price_min",
    "price_max",
];

/// Words in a key that name a secret.
const SECRET_KEYS: [&str; 6] = ["url", "token", "hash", "secret", "password", "cancel"];

/// `props` of an event of `kind` (`booked`, `custom`, …) without secrets: a `booked` event keeps
/// only [`BOOKED_KEYS`]; any event loses keys that name a link, token, hash or password and text
/// that carries one. `None` when nothing is left.
pub fn clean(kind: &str, props: Value) -> Option<Value> {
    let Value::Object(map) = props else {
        return Some(props).filter(|p| !secret_text(p));
    };
    let kept = clean_map(kind, map);
    (!kept.is_empty()).then_some(Value::Object(kept))
}

/// [`clean`] for a props object.
pub fn clean_map(kind: &str, map: Map<String, Value>) -> Map<String, Value> {
    map.into_iter()
        .filter(|(k, v)| {
            let key = k.to_ascii_lowercase();
            (kind != "booked" || BOOKED_KEYS.contains(&key.as_str()))
                && !SECRET_KEYS.iter().any(|w| key.contains(w))
                && !secret_text(v)
        })
        .collect()
}

/// Text that carries a token: a link with `hash=`, `token=` or a `/cancel/` path.
fn secret_text(v: &Value) -> bool {
    match v {
        Value::String(s) => {
            let s = s.to_ascii_lowercase();
            s.contains("hash=") || s.contains("token=") || s.contains("/cancel/")
        }
        Value::Array(a) => a.iter().any(secret_text),
        Value::Object(o) => o.values().any(secret_text),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::clean;
    use serde_json::json;

    #[test]
    fn a_booked_event_keeps_the_booking_and_loses_its_cancel_link() {
        let props = json!({"id": "b1", "services": ["Стрижка"], "staff": "Ирина", "price_min": 2500.0,
            "cancel_url": "http://x/cancel/demo/b1?t=secret", "other": 1});
        assert_eq!(
            clean("booked", props),
            Some(
                json!({"id": "b1", "services": ["Стрижка"], "staff": "Ирина", "price_min": 2500.0})
            )
        );
        let custom = json!({"plan": "gold", "link": "https://x/?token=abc", "reset_token": "abc"});
        assert_eq!(clean("custom", custom), Some(json!({"plan": "gold"})));
        assert_eq!(clean("custom", json!({"url": "https://x/"})), None);
    }
}
