//! Calls as leads: each call with its number, duration, answered or missed, the recording, and
//! whether the phone called before within the site's repeat window; attributed like bookings
//! (the first and last touch of the visitor who held the pool number, or a static number's
//! source).

use serde::Serialize;

use super::{
    Filters,
    leads::{Lead, MAX_ROWS, touch},
    local_time, zone,
};
use crate::{
    app::AppState,
    booking::status::LeadState,
    calls::{
        CallSettings, NumberKind,
        followed::{FollowState, Followed},
        format_like,
    },
    config::SiteSettings,
    error::ApiError,
    store::{CallRow, TouchKind},
};

/// What a call lead adds to a lead.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallLead {
    /// The caller's phone, digits.
    pub caller: String,
    /// The number called, as the site shows it.
    pub number: String,
    /// `pool`, `static`, `default` or `unknown`.
    pub number_kind: NumberKind,
    /// Talk seconds.
    pub duration: i64,
    pub answered: bool,
    pub recording: Option<String>,
    /// The phone called before within the repeat window.
    pub repeat: bool,
    /// Records the salon then made in YCLIENTS for the caller ([`crate::calls::followed`]).
    /// (The dashboard says it in words: [`crate::calls::followed::describe`].)
    pub followed: Vec<Followed>,
}

/// A stored call as a lead, with the records that followed it: their paid sum is the lead's
/// paid sum, the first visit its visit.
pub fn lead(
    c: CallRow,
    calls: &CallSettings,
    tz: &jiff::tz::TimeZone,
    followed: Vec<Followed>,
) -> Lead {
    let s = &c.state;
    let live = || {
        followed
            .iter()
            .filter(|f| f.state != FollowState::Cancelled)
    };
    let paid: f64 = live().map(|f| f.paid).sum();
    let visit = live().next().map(|f| f.visit.clone()).unwrap_or_default();
    let paid_full = live().next().is_some() && live().all(|f| f.state == FollowState::Paid);
    let talked = match (s.answered, s.finished) {
        (Some(a), Some(f)) => (f - a).max(0) / 1000,
        _ => 0,
    };
    Lead {
        id: c.id,
        kind: crate::events::LeadKind::Call,
        seats: 0,
        call: Some(CallLead {
            caller: s.caller.clone(),
            number: if s.called.is_empty() {
                String::new()
            } else {
                format_like(&calls.default_number, &s.called)
            },
            number_kind: c.kind,
            duration: s.duration.unwrap_or(talked),
            answered: s.answered.is_some(),
            recording: s.recording.clone(),
            repeat: c.earlier > 0,
            followed,
        }),
        created: local_time(s.started, tz),
        created_ms: s.started,
        visit,
        vid: c.vid,
        first: touch(&c.first),
        last: touch(&c.last),
        landing: None,
        services: Vec::new(),
        master: String::new(),
        branch_id: 0,
        branch: String::new(),
        planned_min: 0.0,
        planned_max: 0.0,
        state: LeadState::Call(s.status),
        paid,
        paid_full,
        erased: false,
    }
}

/// The calls of the period as leads (of one visitor when `vid` is given). A branch filter leaves
/// calls out (a call has no branch); a source filter applies to the chosen touch.
pub async fn call_leads(
    app: &AppState,
    site: &SiteSettings,
    f: &Filters,
    vid: Option<&str>,
) -> Result<Vec<Lead>, ApiError> {
    let Some(calls) = &site.calls else {
        return Ok(Vec::new());
    };
    if f.branch.is_some() {
        return Ok(Vec::new());
    }
    let window = calls.repeat_window_ms();
    let rows = app
        .store
        .calls_in(&site.key, f.from_ms, f.to_ms, vid, window, MAX_ROWS)
        .await
        .map_err(ApiError::unavailable)?;
    let tz = zone(site);
    Ok(with_followed(app, site, calls, rows, &tz)
        .await?
        .into_iter()
        .filter(|l| {
            let t = match f.touch {
                TouchKind::First => &l.first,
                TouchKind::Last => &l.last,
            };
            f.source.as_ref().is_none_or(|s| &t.source == s)
        })
        .collect())
}

/// Stored calls as leads, each with the records that followed it.
pub async fn with_followed(
    app: &AppState,
    site: &SiteSettings,
    calls: &CallSettings,
    rows: Vec<CallRow>,
    tz: &jiff::tz::TimeZone,
) -> Result<Vec<Lead>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|c| c.id.clone()).collect();
    let records = app
        .store
        .records_of_calls(&site.key, &ids)
        .await
        .map_err(ApiError::unavailable)?;
    let mut by_call: std::collections::HashMap<String, Vec<Followed>> = Default::default();
    for r in &records {
        by_call.entry(r.call_id.clone()).or_default().push(r.into());
    }
    Ok(rows
        .into_iter()
        .map(|c| {
            let followed = by_call.remove(&c.id).unwrap_or_default();
            lead(c, calls, tz, followed)
        })
        .collect())
}
