//! The channels page: the table by source, medium and campaign with a first/last touch switch,
//! the funnel and revenue by channel as inline SVG charts.

use axum::{
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};

use askama::Template;

use super::{
    SitePage,
    charts::{Bar, bars},
    error_page,
    format::{count, money, percent, seg},
    i18n::{self, L},
    page, site_page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reports::{
        Filters,
        channels::{ChannelLine, ChannelsReport, report},
    },
    store::{GroupBy, TouchKind},
};

/// `GET /dashboard/sites/{site}/channels`
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
        ("Каналы", "Channels"),
        "channels",
    ) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let title = frame.title.clone();
    let r = match report(&app, site, &f).await {
        Ok(r) => r,
        Err(e) => return error_page(&frame, &e),
    };
    let body = Body {
        l,
        title: &title,
        site: seg(&site.key),
        touches: touches(l, &f),
        groupings: groupings(l, &f),
        touch: if r.touch == "first" {
            l.t("по первому касанию", "by first touch")
        } else {
            l.t("по последнему касанию", "by last touch")
        },
        heads: HEADS.map(|(ru, en)| l.t(ru, en)),
        rows: r
            .rows
            .iter()
            .map(|c| {
                let head = if r.by == "channel" {
                    i18n::channel(l, &c.counts.source)
                } else if c.counts.source.is_empty() {
                    "—"
                } else {
                    &c.counts.source
                };
                cells(l, c, head)
            })
            .collect(),
        total: cells(l, &r.totals, l.t("Итого", "Total")),
        funnel_chart: String::new(),
        revenue_chart: revenue(l, &r),
        f: &f,
        r: &r,
    };
    let body = funnel(body);
    page(StatusCode::OK, &frame, &body)
}

#[derive(Template)]
#[template(path = "dashboard/channels.html")]
struct Body<'a> {
    l: L,
    title: &'a str,
    site: String,
    f: &'a Filters,
    touches: [Choice; 2],
    groupings: [Choice; 5],
    r: &'a ChannelsReport,
    /// "by first touch" or "by last touch".
    touch: &'static str,
    heads: [&'static str; 11],
    rows: Vec<Cells>,
    total: Cells,
    /// The funnel once: a chart with each step's number beside its bar.
    funnel_chart: String,
    revenue_chart: Option<String>,
}

/// An option of a radio group or a select.
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    /// `checked` or `selected`.
    pub checked: bool,
}

/// One row of the table, formatted.
struct Cells {
    head: String,
    medium: String,
    campaign: String,
    visitors: String,
    sessions: String,
    bookings: String,
    calls: String,
    conversion: String,
    came: String,
    came_rate: String,
    revenue: String,
}

const HEADS: [(&str, &str); 11] = [
    ("Источник", "Source"),
    ("Канал", "Medium"),
    ("Кампания", "Campaign"),
    ("Посетители", "Visitors"),
    ("Визиты", "Sessions"),
    ("Заявки", "Bookings"),
    ("Звонки", "Calls"),
    ("Конверсия", "Conversion"),
    ("Пришли", "Came"),
    ("Доходимость", "Came rate"),
    ("Выручка", "Revenue"),
];

/// The first/last touch radios of a filter form.
pub fn touch_choices(f: &Filters, labels: [&'static str; 2]) -> [Choice; 2] {
    let [first, last] = labels;
    [
        Choice {
            value: "first",
            label: first,
            checked: f.touch == TouchKind::First,
        },
        Choice {
            value: "last",
            label: last,
            checked: f.touch == TouchKind::Last,
        },
    ]
}

fn touches(l: L, f: &Filters) -> [Choice; 2] {
    touch_choices(
        f,
        [
            l.t("первое касание", "first touch"),
            l.t("последнее касание", "last touch"),
        ],
    )
}

fn groupings(l: L, f: &Filters) -> [Choice; 5] {
    [
        (
            "all",
            "источник / канал / кампания",
            "source / medium / campaign",
            GroupBy::All,
        ),
        ("source", "источник", "source", GroupBy::Source),
        ("medium", "канал (medium)", "medium", GroupBy::Medium),
        ("campaign", "кампания", "campaign", GroupBy::Campaign),
        (
            "channel",
            "тип трафика (поиск, реклама, email, …)",
            "channel (search, paid, email, …)",
            GroupBy::Channel,
        ),
    ]
    .map(|(value, ru, en, by)| Choice {
        value,
        label: l.t(ru, en),
        checked: f.by == by,
    })
}

fn cells(l: L, line: &ChannelLine, head: &str) -> Cells {
    let c = &line.counts;
    Cells {
        head: head.to_owned(),
        medium: c.medium.clone(),
        campaign: c.campaign.clone(),
        visitors: count(c.visitors, l.ru()),
        sessions: count(c.sessions, l.ru()),
        bookings: if c.signups > 0 {
            format!(
                "{} ({} {} {}, {} {})",
                count(c.bookings, l.ru()),
                l.t("из них", "of which"),
                count(c.signups, l.ru()),
                l.t("на события", "event sign-ups"),
                l.t("мест:", "seats:"),
                count(c.signup_seats, l.ru()),
            )
        } else {
            count(c.bookings, l.ru())
        },
        calls: count(c.calls, l.ru()),
        conversion: percent(line.conversion, l.ru()),
        came: count(c.came, l.ru()),
        came_rate: percent(line.came_rate, l.ru()),
        revenue: money(c.revenue, l.ru()),
    }
}

/// The funnel's steps and their chart.
fn funnel(mut body: Body<'_>) -> Body<'_> {
    let l = body.l;
    let f = &body.r.funnel;
    let steps = [
        (l.t("Визиты", "Visits"), f.visits),
        (l.t("Открыли запись", "Opened booking"), f.widget_opened),
        (l.t("Записались", "Booked"), f.booked),
        (l.t("Пришли", "Came"), f.came),
        (l.t("Оплатили", "Paid"), f.paid),
    ];
    let data: Vec<Bar> = steps
        .iter()
        .map(|(label, n)| Bar {
            label: (*label).into(),
            value: *n as f64,
            shown: count(*n, l.ru()),
        })
        .collect();
    let desc = steps
        .iter()
        .map(|(label, n)| format!("{label}: {}", count(*n, l.ru())))
        .collect::<Vec<_>>()
        .join("; ");
    body.funnel_chart = bars(
        "funnel-chart",
        l.t(
            "Воронка: от визита до оплаты",
            "Funnel: from visit to payment",
        ),
        &desc,
        &data,
    );
    body
}

/// The revenue chart, or `None` when nothing was paid in the period.
fn revenue(l: L, r: &ChannelsReport) -> Option<String> {
    let data: Vec<Bar> = r
        .rows
        .iter()
        .map(|line| &line.counts)
        .filter(|c| c.revenue > 0.0)
        .take(12)
        .map(|c| {
            let label = [c.source.as_str(), c.medium.as_str(), c.campaign.as_str()]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" / ");
            Bar {
                label,
                value: c.revenue,
                shown: money(c.revenue, l.ru()),
            }
        })
        .collect();
    if data.is_empty() {
        return None;
    }
    let desc = data
        .iter()
        .map(|b| format!("{}: {}", b.label, b.shown))
        .collect::<Vec<_>>()
        .join("; ");
    Some(bars(
        "revenue-chart",
        l.t("Выручка по каналам", "Revenue by channel"),
        &desc,
        &data,
    ))
}
