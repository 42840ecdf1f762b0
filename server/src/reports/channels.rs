//! Channels: visitors, sessions, bookings, conversion, came rate and revenue by source, medium
//! and campaign, attributed to the first or the last touch (calls, and the visits the salon
//! booked for callers, under the call's touch); and the funnel
//! visits → widget opened → booked → came → paid.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Filters, by_name, touch_name};
use crate::{app::AppState, config::SiteSettings, error::ApiError, store::ChannelRow};

/// A channel's counts (source, medium, campaign, visitors, sessions, bookings, came, paid
/// bookings, revenue) and its rates.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChannelLine {
    #[serde(flatten)]
    pub counts: ChannelRow,
    /// Bookings per visitor.
    pub conversion: f64,
    /// Visits made per booking.
    pub came_rate: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Funnel {
    pub visits: i64,
    pub widget_opened: i64,
    pub booked: i64,
    pub came: i64,
    pub paid: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelsReport {
    pub touch: &'static str,
    pub by: &'static str,
    pub from: String,
    pub to: String,
    /// By revenue, then bookings, then visitors.
    pub rows: Vec<ChannelLine>,
    pub totals: ChannelLine,
    pub funnel: Funnel,
}

fn ratio(a: i64, b: i64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn finish(counts: ChannelRow) -> ChannelLine {
    ChannelLine {
        conversion: ratio(counts.bookings, counts.visitors),
        // Came of all booked: through zapis, and by the salon for callers (`call_visits`).
        came_rate: ratio(counts.came, counts.bookings + counts.call_visits),
        counts,
    }
}

pub async fn report(
    app: &AppState,
    site: &SiteSettings,
    f: &Filters,
) -> Result<ChannelsReport, ApiError> {
    let store = &app.store;
    let key = &site.key;
    let sessions = store
        .channel_sessions(key, f.from_ms, f.to_ms, f.touch, f.by)
        .await
        .map_err(ApiError::unavailable)?;
    let bookings = store
        .channel_bookings(key, f.from_ms, f.to_ms, f.touch, f.by)
        .await
        .map_err(ApiError::unavailable)?;
    let calls = if site.calls.is_some() {
        store
            .channel_calls(key, f.from_ms, f.to_ms, f.touch, f.by)
            .await
            .map_err(ApiError::unavailable)?
    } else {
        Vec::new()
    };
    // What the salon booked for callers, under the call's touch.
    let call_records = if site.calls.is_some() {
        store
            .channel_call_records(key, f.from_ms, f.to_ms, f.touch, f.by)
            .await
            .map_err(ApiError::unavailable)?
    } else {
        Vec::new()
    };
    let (visitors, visits) = store
        .visit_totals(key, f.from_ms, f.to_ms)
        .await
        .map_err(ApiError::unavailable)?;
    let widget_opened = store
        .widget_sessions(key, f.from_ms, f.to_ms)
        .await
        .map_err(ApiError::unavailable)?;

    let mut lines: BTreeMap<(String, String, String), ChannelRow> = BTreeMap::new();
    merge(&mut lines, &sessions, &bookings);
    merge(&mut lines, &calls, &call_records);

    let mut rows: Vec<ChannelLine> = lines.into_values().map(finish).collect();
    rows.sort_by(|a, b| {
        let (a, b) = (&a.counts, &b.counts);
        b.revenue
            .total_cmp(&a.revenue)
            .then(b.bookings.cmp(&a.bookings))
            .then(b.calls.cmp(&a.calls))
            .then(b.visitors.cmp(&a.visitors))
    });
    let sum = |f: fn(&ChannelRow) -> i64| rows.iter().map(|r| f(&r.counts)).sum::<i64>();
    let totals = finish(ChannelRow {
        visitors,
        sessions: visits,
        bookings: sum(|r| r.bookings),
        came: sum(|r| r.came),
        paid: sum(|r| r.paid),
        revenue: rows.iter().map(|r| r.counts.revenue).sum(),
        signups: sum(|r| r.signups),
        signup_seats: sum(|r| r.signup_seats),
        calls: sum(|r| r.calls),
        call_visits: sum(|r| r.call_visits),
        call_revenue: rows.iter().map(|r| r.counts.call_revenue).sum(),
        ..ChannelRow::default()
    });
    let t = &totals.counts;
    let funnel = Funnel {
        visits,
        widget_opened,
        // The funnel's later steps count the salon's bookings for callers: so does this one.
        booked: t.bookings + t.call_visits,
        came: t.came,
        paid: t.paid,
    };
    Ok(ChannelsReport {
        touch: touch_name(f.touch),
        by: by_name(f.by),
        from: f.from.to_string(),
        to: f.to.to_string(),
        rows,
        totals,
        funnel,
    })
}

fn merge(
    lines: &mut BTreeMap<(String, String, String), ChannelRow>,
    sessions: &[ChannelRow],
    bookings: &[ChannelRow],
) {
    for r in sessions.iter().chain(bookings) {
        let l = lines
            .entry((r.source.clone(), r.medium.clone(), r.campaign.clone()))
            .or_insert_with(|| ChannelRow {
                source: r.source.clone(),
                medium: r.medium.clone(),
                campaign: r.campaign.clone(),
                ..ChannelRow::default()
            });
        l.visitors += r.visitors;
        l.sessions += r.sessions;
        l.bookings += r.bookings;
        l.came += r.came;
        l.paid += r.paid;
        l.revenue += r.revenue;
        l.signups += r.signups;
        l.signup_seats += r.signup_seats;
        l.calls += r.calls;
        l.call_visits += r.call_visits;
        l.call_revenue += r.call_revenue;
    }
}
