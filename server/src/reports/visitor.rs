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
            .and_then(|p| crate::util::props::clean(&e.kind, p)),
        kind: e.kind,
        path: e.path,
        title: e.title,
        name: e.name,
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
    let calls = match &site.calls {
        Some(c) => store
            .calls_in(
                &site.key,
                0,
                i64::MAX,
                Some(vid),
                c.repeat_window_ms(),
                MAX_ROWS,
            )
            .await
            .map_err(ApiError::unavailable)?,
        None => Vec::new(),
    };
    if seen.is_none() && sessions.is_empty() && rows.is_empty() && calls.is_empty() {
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
    if let Some(settings) = &site.calls {
        bookings.extend(super::calls::with_followed(app, site, settings, calls, &tz).await?);
        bookings.sort_by_key(|b| b.created_ms);
    }
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
