//! The overview: the period's visits, bookings, conversion and revenue against the period of the
//! same length just before it, the same numbers day by day in the site's zone, and the campaigns
//! that brought the most.

use jiff::{Span, civil::Date};
use serde::Serialize;

use super::{Filters, channels, day_start, zone};
use crate::{app::AppState, config::SiteSettings, error::ApiError, store::GroupBy};

/// Time step of the daily numbers: 15 minutes, so a step never straddles midnight in any zone
/// (offsets are whole quarters of an hour).
const STEP_MS: i64 = 15 * 60 * 1000;
/// Campaigns shown.
const TOP: usize = 5;

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    pub visitors: i64,
    pub visits: i64,
    pub bookings: i64,
    /// Bookings per visitor.
    pub conversion: f64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Day {
    pub date: String,
    pub visits: i64,
    pub bookings: i64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Campaign {
    pub source: String,
    pub medium: String,
    pub campaign: String,
    pub visitors: i64,
    pub bookings: i64,
    pub revenue: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overview {
    pub from: String,
    pub to: String,
    pub now: Totals,
    /// The same length of time just before `from`.
    pub previous_from: String,
    pub previous_to: String,
    pub previous: Totals,
    pub days: Vec<Day>,
    /// By revenue, then bookings, then visitors (last touch).
    pub campaigns: Vec<Campaign>,
}

async fn totals(app: &AppState, site: &str, from: i64, to: i64) -> Result<Totals, ApiError> {
    let (visitors, visits) = app
        .store
        .visit_totals(site, from, to)
        .await
        .map_err(ApiError::unavailable)?;
    let (bookings, revenue) = app
        .store
        .booking_totals(site, from, to)
        .await
        .map_err(ApiError::unavailable)?;
    Ok(Totals {
        visitors,
        visits,
        bookings,
        conversion: if visitors == 0 {
            0.0
        } else {
            bookings as f64 / visitors as f64
        },
        revenue,
    })
}

pub async fn overview(
    app: &AppState,
    site: &SiteSettings,
    f: &Filters,
) -> Result<Overview, ApiError> {
    let tz = zone(site);
    let days_long = f.from.until(f.to).map(|s| s.get_days()).unwrap_or(0) as i64 + 1;
    let previous_to = f.from.yesterday().unwrap_or(f.from);
    let previous_from = previous_to
        .checked_sub(Span::new().days(days_long - 1))
        .unwrap_or(previous_to);
    let now = totals(app, &site.key, f.from_ms, f.to_ms).await?;
    let previous = totals(
        app,
        &site.key,
        day_start(previous_from, &tz),
        day_start(f.from, &tz),
    )
    .await?;

    let mut days: Vec<(Date, i64, Day)> = Vec::new();
    let mut d = f.from;
    while d <= f.to {
        days.push((
            d,
            day_start(d, &tz),
            Day {
                date: d.to_string(),
                visits: 0,
                bookings: 0,
                revenue: 0.0,
            },
        ));
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    let steps = app
        .store
        .steps(&site.key, f.from_ms, f.to_ms, STEP_MS)
        .await
        .map_err(ApiError::unavailable)?;
    for s in steps {
        let at = f.from_ms + s.n * STEP_MS;
        // The last day that starts at or before the step.
        let i = days.partition_point(|(_, start, _)| *start <= at);
        if let Some((_, _, day)) = i.checked_sub(1).and_then(|i| days.get_mut(i)) {
            day.visits += s.visits;
            day.bookings += s.bookings;
            day.revenue += s.revenue;
        }
    }

    let by_campaign = Filters {
        by: GroupBy::All,
        ..f.clone()
    };
    let report = channels::report(app, site, &by_campaign).await?;
    let campaigns = report
        .rows
        .into_iter()
        .map(|l| l.counts)
        .filter(|c| !c.campaign.is_empty() && (c.bookings > 0 || c.visitors > 0))
        .take(TOP)
        .map(|c| Campaign {
            source: c.source,
            medium: c.medium,
            campaign: c.campaign,
            visitors: c.visitors,
            bookings: c.bookings,
            revenue: c.revenue,
        })
        .collect();
    Ok(Overview {
        from: f.from.to_string(),
        to: f.to.to_string(),
        now,
        previous_from: previous_from.to_string(),
        previous_to: previous_to.to_string(),
        previous,
        days: days.into_iter().map(|(_, _, d)| d).collect(),
        campaigns,
    })
}
