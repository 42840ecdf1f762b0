//! The home page of a site: the period's visits, bookings, conversion and revenue with their
//! change against the period before, a chart of each day, and the campaigns that brought most.

use axum::{
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};

use askama::Template;

use super::{
    SitePage,
    charts::{Column, columns},
    error_page,
    format::{change, count, money, percent, seg},
    i18n::L,
    page, site_page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reports::{
        Filters,
        overview::{Overview, Totals, overview},
    },
};

/// `GET /dashboard/sites/{site}/overview`
pub async fn page_handler(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(raw): RawQuery,
) -> Response {
    let SitePage { l, site, frame, f } = match site_page(
        &app,
        &s,
        &key,
        (&headers, &uri, raw.as_deref()),
        ("Обзор", "Overview"),
        "overview",
    ) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let title = frame.title.clone();
    let o = match overview(&app, site, &f).await {
        Ok(o) => o,
        Err(e) => return error_page(&frame, &e),
    };
    let tz = crate::reports::zone(site);
    let refused = app
        .refusals
        .recent(&site.key, REFUSED_DAYS)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "refused origins could not be read");
            Vec::new()
        })
        .into_iter()
        .map(|r| Refused {
            count: count(r.count, l.ru()),
            page: r
                .last_page
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| "—".into()),
            at: crate::reports::local_time(r.last_seen, &tz),
            origin: r.origin,
        })
        .collect();
    let body = Body {
        l,
        title: &title,
        refused,
        site: seg(&site.key),
        tiles: tiles(l, &o.now, &o.previous),
        previous: format!("{} — {}", o.previous_from, o.previous_to),
        charts: charts(l, &o),
        days: o
            .days
            .iter()
            .map(|d| {
                [
                    d.date.clone(),
                    count(d.visits, l.ru()),
                    count(d.bookings, l.ru()),
                    money(d.revenue, l.ru()),
                ]
            })
            .collect(),
        campaigns: o
            .campaigns
            .iter()
            .map(|c| {
                [
                    c.campaign.clone(),
                    [c.source.as_str(), c.medium.as_str()]
                        .iter()
                        .filter(|p| !p.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" / "),
                    count(c.visitors, l.ru()),
                    count(c.bookings, l.ru()),
                    money(c.revenue, l.ru()),
                ]
            })
            .collect(),
        f: &f,
    };
    page(StatusCode::OK, &frame, &body)
}

#[derive(Template)]
#[template(path = "dashboard/overview.html")]
struct Body<'a> {
    l: L,
    title: &'a str,
    site: String,
    f: &'a Filters,
    tiles: [Tile; 4],
    /// The period compared with, `2025-06-01 — 2025-06-30`.
    previous: String,
    /// Each chart with its visible heading.
    charts: [(&'static str, String); 3],
    /// Date, visits, bookings, revenue.
    days: Vec<[String; 4]>,
    /// Campaign, source / medium, visitors, bookings, revenue.
    campaigns: Vec<[String; 5]>,
    /// Pages from origins the site does not allow, lately.
    refused: Vec<Refused>,
}

/// Refused origins shown for this many days.
const REFUSED_DAYS: i64 = 7;

struct Refused {
    origin: String,
    count: String,
    page: String,
    at: String,
}

/// One number of the period with its change.
struct Tile {
    id: &'static str,
    label: &'static str,
    value: String,
    /// `+12,5 %`, or `None` when the previous period had nothing.
    change: Option<String>,
    /// `up`, `down` or `same`: the colour of the change.
    trend: &'static str,
    /// The previous period's value, for the tooltip.
    before: String,
}

fn tile(
    id: &'static str,
    label: &'static str,
    (now, before): (f64, f64),
    shown: (String, String),
    ru: bool,
) -> Tile {
    let change = change(now, before, ru);
    Tile {
        id,
        label,
        value: shown.0,
        trend: match &change {
            None => "same",
            Some(_) if now > before => "up",
            Some(_) if now < before => "down",
            Some(_) => "same",
        },
        change,
        before: shown.1,
    }
}

fn tiles(l: L, now: &Totals, before: &Totals) -> [Tile; 4] {
    let ru = l.ru();
    [
        tile(
            "visits",
            l.t("Визиты", "Visits"),
            (now.visits as f64, before.visits as f64),
            (count(now.visits, ru), count(before.visits, ru)),
            ru,
        ),
        tile(
            "bookings",
            l.t("Заявки", "Bookings"),
            (now.bookings as f64, before.bookings as f64),
            (count(now.bookings, ru), count(before.bookings, ru)),
            ru,
        ),
        tile(
            "conversion",
            l.t("Конверсия в заявку", "Conversion to booking"),
            (now.conversion, before.conversion),
            (percent(now.conversion, ru), percent(before.conversion, ru)),
            ru,
        ),
        tile(
            "revenue",
            l.t("Выручка", "Revenue"),
            (now.revenue, before.revenue),
            (money(now.revenue, ru), money(before.revenue, ru)),
            ru,
        ),
    ]
}

/// `13.07` (ru) / `Jul 13` (en).
fn day_label(date: &str, ru: bool) -> String {
    let Ok(d) = date.parse::<jiff::civil::Date>() else {
        return date.to_owned();
    };
    if ru {
        format!("{:02}.{:02}", d.day(), d.month())
    } else {
        d.strftime("%b %-d").to_string()
    }
}

fn charts(l: L, o: &Overview) -> [(&'static str, String); 3] {
    let ru = l.ru();
    let chart = |id: &str,
                 title: &'static str,
                 value: &dyn Fn(&crate::reports::overview::Day) -> f64,
                 shown: &dyn Fn(f64) -> String| {
        let points: Vec<Column> = o
            .days
            .iter()
            .map(|d| Column {
                label: day_label(&d.date, ru),
                value: value(d),
                shown: shown(value(d)),
            })
            .collect();
        let max = points.iter().map(|p| p.value).fold(0.0_f64, f64::max);
        let desc = points
            .iter()
            .map(|p| format!("{}: {}", p.label, p.shown))
            .collect::<Vec<_>>()
            .join("; ");
        (title, columns(id, title, &desc, &shown(max), &points))
    };
    [
        chart(
            "visits-chart",
            l.t("Визиты по дням", "Visits by day"),
            &|d| d.visits as f64,
            &|v| count(v as i64, ru),
        ),
        chart(
            "bookings-chart",
            l.t("Заявки по дням", "Bookings by day"),
            &|d| d.bookings as f64,
            &|v| count(v as i64, ru),
        ),
        chart(
            "revenue-chart",
            l.t("Выручка по дням", "Revenue by day"),
            &|d| d.revenue,
            &|v| money(v, ru),
        ),
    ]
}
