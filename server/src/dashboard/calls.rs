//! The calls page: the numbers the site shows (default, by source, the pool) and how the pool
//! was used hour by hour with the "pool too small" warning and the size the anchors' rule
//! gives; the calls of the period with filters and recordings; and what YCLIENTS' telephony
//! needs from the salon's admin (the identifiers to route) and what reached it.

use axum::{
    extract::{Path, RawQuery, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use serde::Deserialize;

use askama::Template;

use super::{SitePage, channels::Choice, error_page, format::seg, i18n::L, page, site_page};
use crate::{
    app::AppState,
    auth::DashSession,
    booking::status::LeadState,
    calls::{CallSettings, CallStatus, NumberKind, digits, format_like, pool::suggested_size},
    error::ApiError,
    reports::{Filters, calls::call_leads, leads::Lead, local_time, zone},
};

/// The page's own filters, beside the period.
#[derive(Debug, Default, Deserialize)]
struct CallFilters {
    /// `answered`, `missed` or all.
    #[serde(default)]
    status: String,
    /// `pool`, `static`, `default`, `unknown` or all.
    #[serde(default)]
    number: String,
}

/// `GET /dashboard/sites/{site}/calls`
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
        ("Звонки", "Calls"),
        "calls",
    ) {
        Ok(p) => p,
        Err(page) => return *page,
    };
    let cf: CallFilters =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or("")).unwrap_or_default();
    let title = frame.title.clone();
    let Some(calls) = &site.calls else {
        let body = Off { l, title: &title };
        return page(StatusCode::OK, &frame, &body);
    };
    match body(&app, (l, &title), site, calls, &f, &cf).await {
        Ok(b) => page(StatusCode::OK, &frame, &b),
        Err(e) => error_page(&frame, &e),
    }
}

async fn body<'a>(
    app: &AppState,
    (l, title): (L, &'a str),
    site: &crate::config::SiteSettings,
    calls: &CallSettings,
    f: &'a Filters,
    cf: &CallFilters,
) -> Result<Body<'a>, ApiError> {
    let tz = zone(site);
    let used = app
        .store
        .pool_use(&site.key, f.from_ms, f.to_ms)
        .await
        .map_err(ApiError::unavailable)?;
    let hours = app
        .store
        .pool_hours(&site.key, f.from_ms, f.to_ms)
        .await
        .map_err(ApiError::unavailable)?;
    let sent = app
        .store
        .voip_sent(&site.key, f.from_ms, f.to_ms)
        .await
        .map_err(ApiError::unavailable)?;
    let hold_minutes = (used.average_active_ms + calls.tail_ms() as f64) / 60_000.0;
    let suggested = suggested_size(used.peak_per_hour.max(0) as u64, hold_minutes);
    let size = calls.pool.len() as u64;
    let warning = (!calls.pool.is_empty() && (used.reused > 0 || suggested > size)).then(|| {
        if l.ru() {
            format!(
                "Номеров мало: {} раз номер пришлось забрать у посетителя, который ещё был на сайте. В час пик номер ждали {} посетителей, номер занят в среднем {:.0} мин — нужно не меньше {} номеров (сейчас {}).",
                used.reused, used.peak_per_hour, hold_minutes, suggested, size
            )
        } else {
            format!(
                "The pool is too small: {} times a number was taken from a visitor still on the site. At the peak hour {} visitors needed a number, each held it {:.0} min on average — the pool needs at least {} numbers (it has {}).",
                used.reused, used.peak_per_hour, hold_minutes, suggested, size
            )
        }
    });
    let leads = call_leads(app, site, f, None).await?;
    let rows = leads
        .iter()
        .filter(|c| keep(c, cf))
        .map(|c| row(l, &site.key, c))
        .collect();
    let format = |n: &str| format_like(&calls.default_number, &digits(n).unwrap_or_default());
    let mut numbers = vec![NumberLine {
        number: format(&calls.default_number),
        digits: digits(&calls.default_number).unwrap_or_default(),
        what: l
            .t("основной номер салона", "the salon's main number")
            .into(),
    }];
    numbers.extend(calls.static_numbers.iter().map(|s| NumberLine {
        number: format(&s.number),
        digits: digits(&s.number).unwrap_or_default(),
        what: format!("{}: {}", l.t("по источнику", "by source"), rule(s)),
    }));
    numbers.extend(calls.pool.iter().map(|n| {
        NumberLine {
            number: format(n),
            digits: digits(n).unwrap_or_default(),
            what: l
                .t("пул: номер посетителя", "pool: a visitor's own number")
                .into(),
        }
    }));
    Ok(Body {
        l,
        title,
        f,
        site: seg(&site.key),
        statuses: choices(
            l,
            &cf.status,
            &[
                ("", "все", "all"),
                ("answered", "принятые", "answered"),
                ("missed", "пропущенные", "missed"),
            ],
        ),
        kinds: choices(
            l,
            &cf.number,
            &[
                ("", "все", "all"),
                ("pool", "пул", "pool"),
                ("static", "по источнику", "by source"),
                ("default", "основной", "main"),
                ("unknown", "неизвестный", "unknown"),
            ],
        ),
        numbers,
        pool_size: size,
        tail_minutes: calls.tail_secs / 60,
        holds: used.holds,
        peak: used.peak_per_hour,
        suggested,
        warning,
        hours: hours
            .iter()
            .rev()
            .take(48)
            .map(|h| (local_time(h.hour, &tz), h.visitors, h.reused))
            .collect(),
        rows,
        sent_calls: sent.calls,
        sent_history: sent.history,
        sent_failed: sent.failed,
        last_error: sent.last_error,
    })
}

/// A source rule in words: `utm_source=flyer`.
fn rule(s: &crate::calls::StaticNumber) -> String {
    [
        ("utm_source", &s.source),
        ("utm_medium", &s.medium),
        ("utm_campaign", &s.campaign),
        ("channel", &s.channel),
    ]
    .iter()
    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k}={v}")))
    .collect::<Vec<_>>()
    .join(", ")
}

fn keep(c: &Lead, cf: &CallFilters) -> bool {
    let Some(call) = &c.call else { return false };
    let status_ok = match cf.status.as_str() {
        "answered" => call.answered,
        "missed" => c.state == LeadState::Call(CallStatus::Missed),
        _ => true,
    };
    status_ok && (cf.number.is_empty() || call.number_kind.as_str() == cf.number)
}

fn choices(l: L, current: &str, all: &[(&'static str, &'static str, &'static str)]) -> Vec<Choice> {
    all.iter()
        .map(|&(value, ru, en)| Choice {
            value,
            label: l.t(ru, en),
            checked: value == current,
        })
        .collect()
}

fn row(l: L, site: &str, c: &Lead) -> Row {
    let call = c.call.as_ref().expect("filtered to calls");
    let kind = match call.number_kind {
        NumberKind::Pool => l.t("пул", "pool"),
        NumberKind::Static => l.t("по источнику", "by source"),
        NumberKind::Default => l.t("основной", "main"),
        NumberKind::Unknown => l.t("неизвестный", "unknown"),
    };
    let t = &c.last;
    Row {
        at: c.created.clone(),
        caller: if call.caller.is_empty() {
            "—".into()
        } else {
            format!("+{}", call.caller)
        },
        number: if call.number.is_empty() {
            kind.into()
        } else {
            format!("{} ({kind})", call.number)
        },
        status: super::i18n::state(l.0, c.state),
        duration: if call.answered {
            format!("{}:{:02}", call.duration / 60, call.duration % 60)
        } else {
            "—".into()
        },
        source: [t.source.as_str(), t.medium.as_str(), t.campaign.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" / "),
        repeat: if call.repeat {
            l.t("повторный", "repeat")
        } else {
            l.t("первый", "first")
        },
        // Only web addresses are links (the PBX's text is not trusted).
        recording: call
            .recording
            .clone()
            .filter(|r| r.starts_with("https://") || r.starts_with("http://")),
        visitor: c
            .vid
            .as_ref()
            .filter(|_| !c.erased)
            .map(|v| format!("/dashboard/sites/{}/visitors/{}", seg(site), seg(v))),
    }
}

struct NumberLine {
    number: String,
    digits: String,
    what: String,
}

struct Row {
    at: String,
    caller: String,
    number: String,
    status: &'static str,
    duration: String,
    source: String,
    repeat: &'static str,
    recording: Option<String>,
    visitor: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/calls.html")]
struct Body<'a> {
    l: L,
    title: &'a str,
    f: &'a Filters,
    site: String,
    statuses: Vec<Choice>,
    kinds: Vec<Choice>,
    numbers: Vec<NumberLine>,
    pool_size: u64,
    tail_minutes: u64,
    holds: i64,
    peak: i64,
    suggested: u64,
    warning: Option<String>,
    /// (local hour, visitors, reused), newest first.
    hours: Vec<(String, i64, i64)>,
    rows: Vec<Row>,
    sent_calls: i64,
    sent_history: i64,
    sent_failed: i64,
    last_error: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard/calls_off.html")]
struct Off<'a> {
    l: L,
    title: &'a str,
}
