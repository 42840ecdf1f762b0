//! The visitor card: every session with its touch, the pages viewed in order with times, custom
//! events, the bookings with their outcomes, and the total paid.

use serde::Serialize;

use super::{
    TouchView,
    leads::{Lead, MAX_ROWS, branch_titles},
    local_time, zone,
};
use crate::{
    app::AppState,
    config::SiteSettings,
    error::ApiError,
    store::{EventRow, LeadQuery},
};

/// Events shown per visitor.
const MAX_EVENTS: i64 = 5000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitorCard {
    pub vid: String,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub sessions: Vec<SessionView>,
    pub bookings: Vec<Lead>,
    pub total_paid: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionView {
    pub started: String,
    pub touch: TouchView,
    pub content: Option<String>,
    pub term: Option<String>,
    pub referrer: Option<String>,
    pub landing: Option<String>,
    /// The session came with a click id (yclid, gclid, fbclid).
    pub click_id: bool,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView {
    pub at: String,
    /// pageview, custom, widget_open, booked.
    pub kind: String,
    pub path: String,
    pub title: Option<String>,
    /// A custom event's name and props.
    pub name: Option<String>,
    pub props: Option<serde_json::Value>,
}

fn event(e: EventRow, tz: &jiff::tz::TimeZone) -> EventView {
    EventView {
        at: local_time(e.ts, tz),
        props: e
            .props
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .and_then(|p| clean_props(&e.kind, p)),
        kind: e.kind,
        path: e.path,
        title: e.title,
        name: e.name,
    }
}

/// What a `booked` event may show: the booking, never its cancel link.
const BOOKED_KEYS: [&str; 8] = [
    "id",
    "branch",
    "datetime",
    "timezone",
    "length",
    "services",
    "staff",
    "price_min",
];

/// An event's props without secrets: a `booked` event keeps only what describes the booking
/// (the widget's event also carries the visitor's cancel link with its token); any event loses
/// keys that name a link, token, hash or password and text that carries one.
pub fn clean_props(kind: &str, props: serde_json::Value) -> Option<serde_json::Value> {
    let serde_json::Value::Object(map) = props else {
        return Some(props).filter(|p| !secret_text(p));
    };
    let kept: serde_json::Map<String, serde_json::Value> = map
        .into_iter()
        .filter(|(k, v)| {
            let key = k.to_ascii_lowercase();
            let allowed =
                kind != "booked" || BOOKED_KEYS.contains(&key.as_str()) || key == "price_max";
            allowed
                && !["url", "token", "hash", "secret", "password", "cancel"]
                    .iter()
                    .any(|w| key.contains(w))
                && !secret_text(v)
        })
        .collect();
    (!kept.is_empty()).then_some(serde_json::Value::Object(kept))
}

/// Text that carries a token: a link with `hash=`, `token=` or a `/cancel/` path.
fn secret_text(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::String(s) => {
            let s = s.to_ascii_lowercase();
            s.contains("hash=") || s.contains("token=") || s.contains("/cancel/")
        }
        serde_json::Value::Array(a) => a.iter().any(secret_text),
        serde_json::Value::Object(o) => o.values().any(secret_text),
        _ => false,
    }
}

/// The card, or not found when the site knows nothing of this visitor.
pub async fn card(app: &AppState, site: &SiteSettings, vid: &str) -> Result<VisitorCard, ApiError> {
    let store = &app.store;
    let tz = zone(site);
    let seen = store
        .visitor_seen(&site.key, vid)
        .await
        .map_err(ApiError::unavailable)?;
    let sessions = store
        .visitor_sessions(&site.key, vid)
        .await
        .map_err(ApiError::unavailable)?;
    let mut events = store
        .visitor_events(&site.key, vid, MAX_EVENTS)
        .await
        .map_err(ApiError::unavailable)?;
    let q = LeadQuery {
        site: site.key.clone(),
        from: 0,
        to: i64::MAX,
        vid: Some(vid.to_owned()),
        limit: MAX_ROWS,
        ..LeadQuery::default()
    };
    let rows = store.leads(&q).await.map_err(ApiError::unavailable)?;
    if seen.is_none() && sessions.is_empty() && rows.is_empty() {
        return Err(ApiError::not_found());
    }
    let branches = if rows.is_empty() {
        Default::default()
    } else {
        branch_titles(app, site).await
    };
    let mut bookings: Vec<Lead> = rows
        .into_iter()
        .map(|r| Lead::from_row(r, &tz, &branches))
        .collect();
    bookings.reverse();
    let sessions = sessions
        .into_iter()
        .map(|s| {
            let (mine, rest): (Vec<EventRow>, Vec<EventRow>) = std::mem::take(&mut events)
                .into_iter()
                .partition(|e| e.sid == s.sid);
            events = rest;
            SessionView {
                started: local_time(s.started, &tz),
                touch: TouchView::new(
                    Some(&s.channel),
                    s.source.as_deref(),
                    s.medium.as_deref(),
                    s.campaign.as_deref(),
                ),
                content: s.content,
                term: s.term,
                referrer: s.referrer,
                landing: s.landing,
                click_id: s.click_id,
                events: mine.into_iter().map(|e| event(e, &tz)).collect(),
            }
        })
        .collect();
    Ok(VisitorCard {
        vid: vid.to_owned(),
        first_seen: seen.map(|(f, _)| local_time(f, &tz)),
        last_seen: seen.map(|(_, l)| local_time(l, &tz)),
        total_paid: bookings.iter().map(|b| b.paid).sum(),
        sessions,
        bookings,
    })
}

#[cfg(test)]
mod tests {
    use super::clean_props;
    use serde_json::json;

    #[test]
    fn a_booked_event_keeps_the_booking_and_loses_its_cancel_link() {
        let props = json!({"id": "b1", "services": ["Стрижка"], "staff": "Ирина", "price_min": 2500.0,
            "cancel_url": "http://x/cancel/demo/b1?hash=secret", "other": 1});
        let kept = clean_props("booked", props).unwrap();
        assert_eq!(
            kept,
            json!({"id": "b1", "services": ["Стрижка"], "staff": "Ирина", "price_min": 2500.0})
        );
        let custom = json!({"plan": "gold", "link": "https://x/?token=abc", "reset_token": "abc"});
        assert_eq!(clean_props("custom", custom), Some(json!({"plan": "gold"})));
        assert_eq!(clean_props("custom", json!({"url": "https://x/"})), None);
    }
}
