//! The visitor card as a story in words: where each visit came from and what the visitor did,
//! then each booking with its services, master, sum and state. No raw JSON, no token (event props
//! come cleaned by `reports::visitor::clean_props` and are written as `key: value`).

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use serde_json::Value;

use askama::Template;

use super::{
    Frame, error_page,
    format::{count, money, money_range, short_time},
    here,
    i18n::{self, L},
    not_found, page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reports::{
        leads::Lead,
        visitor::{EventView, SessionView, card},
    },
    util::url::landing,
};

/// `GET /dashboard/sites/{site}/visitors/{vid}`
pub async fn page_handler(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, vid)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let l = L::from_headers(&headers);
    let Some(site) = s.site(&app, &key) else {
        return not_found(l, &s, here(&uri));
    };
    let title = format!("{} {}", l.t("Посетитель", "Visitor"), vid);
    let frame = Frame {
        l,
        title: title.clone(),
        session: Some(&s),
        site: Some(&site.key),
        here: here(&uri),
        active: "",
    };
    let c = match card(&app, site, &vid).await {
        Ok(c) => c,
        Err(e) => return error_page(&frame, &e),
    };
    let dash = "—".to_owned();
    let body = Body {
        l,
        vid: &c.vid,
        summary: [
            (
                l.t("Первый визит", "First seen"),
                c.first_seen.as_ref().unwrap_or(&dash).clone(),
            ),
            (
                l.t("Последний визит", "Last seen"),
                c.last_seen.as_ref().unwrap_or(&dash).clone(),
            ),
            (
                l.t("Сессий", "Sessions"),
                count(c.sessions.len() as i64, l.ru()),
            ),
            (
                l.t("Заявок", "Bookings"),
                count(c.bookings.len() as i64, l.ru()),
            ),
            (
                l.t("Оплачено всего", "Total paid"),
                money(c.total_paid, l.ru()),
            ),
        ],
        bookings: c.bookings.iter().map(|b| booking_story(l, b)).collect(),
        sessions: c
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| session_story(l, i + 1, s))
            .collect(),
    };
    page(StatusCode::OK, &frame, &body)
}

#[derive(Template)]
#[template(path = "dashboard/visitor.html")]
struct Body<'a> {
    l: L,
    vid: &'a str,
    summary: [(&'static str, String); 5],
    bookings: Vec<BookingStory>,
    sessions: Vec<SessionStory>,
}

/// A booking in words.
struct BookingStory {
    id: String,
    created: String,
    /// "Стрижка, Укладка — мастер Ирина, Лён на Тверской, визит 2025-07-20 14:00, 2 500 ₽".
    text: String,
    state: String,
    state_label: &'static str,
    /// "оплачено 2 500 ₽", when anything was paid.
    paid: Option<String>,
    /// Where the visitor came from last before booking.
    source: String,
    /// A call's recording link.
    recording: Option<String>,
}

struct SessionStory {
    n: usize,
    started: String,
    /// "Платный поиск: yandex / cpc / spring".
    came: String,
    /// The touch's details that are known, labelled.
    rows: Vec<(&'static str, String)>,
    landing: Option<(String, String)>,
    events: Vec<EventLine>,
}

struct EventLine {
    at: String,
    kind: String,
    text: String,
}

fn booking_story(l: L, b: &Lead) -> BookingStory {
    let mut parts = Vec::new();
    let services = if b.services.is_empty() {
        l.t("услуги не указаны", "no services named").to_owned()
    } else {
        b.what(l.ru())
    };
    if !b.master.is_empty() {
        parts.push(format!("{} {}", l.t("мастер", "master"), b.master));
    }
    if !b.branch.is_empty() {
        parts.push(b.branch.clone());
    }
    parts.push(format!(
        "{} {}",
        l.t("визит", "visit on"),
        short_time(&b.visit)
    ));
    parts.push(money_range(b.planned_min, b.planned_max, l.ru()));
    BookingStory {
        id: b.id.clone(),
        created: b.created.clone(),
        text: match &b.call {
            Some(c) => super::format::call_text(l, c),
            None => format!("{services} — {}", parts.join(", ")),
        },
        recording: b.call.as_ref().and_then(|c| c.recording.clone()),
        state: b.state.to_string(),
        state_label: i18n::state(l.0, b.state),
        paid: (b.paid > 0.0)
            .then(|| format!("{} {}", l.t("оплачено", "paid"), money(b.paid, l.ru()))),
        source: i18n::touch(l, &b.last),
    }
}

fn session_story(l: L, n: usize, s: &SessionView) -> SessionStory {
    let channel = i18n::channel(l, &s.touch.channel);
    let words = i18n::touch(l, &s.touch);
    let came = if words == channel {
        channel.to_owned()
    } else {
        format!("{channel}: {words}")
    };
    let rows = [
        (l.t("Объявление", "Ad content"), s.content.clone()),
        (l.t("Ключевое слово", "Search term"), s.term.clone()),
        (
            l.t("Откуда пришёл", "Came from"),
            s.referrer.as_deref().map(referrer_words),
        ),
        (
            l.t("Клик по рекламе", "Ad click"),
            s.click_id
                .then(|| l.t("да, с меткой клика", "yes, with a click id").to_owned()),
        ),
    ];
    SessionStory {
        n,
        started: s.started.clone(),
        came,
        rows: rows
            .into_iter()
            .filter_map(|(t, v)| Some((t, v.filter(|v| !v.is_empty())?)))
            .collect(),
        landing: s.landing.as_deref().map(|raw| {
            let p = landing(raw);
            (p.short(), p.full)
        }),
        events: s.events.iter().map(|e| event_line(l, e)).collect(),
    }
}

/// A referrer as its site and path (its query can hold search words and ids; the owner reads
/// where the visitor came from).
fn referrer_words(raw: &str) -> String {
    match raw.split_once("://") {
        Some((_, rest)) => {
            let host_path = rest.split(['?', '#']).next().unwrap_or(rest);
            crate::util::url::decode(host_path.trim_end_matches('/'), false)
        }
        None => crate::util::url::decode(raw, false),
    }
}

fn event_line(l: L, e: &EventView) -> EventLine {
    let page = landing(&e.path).short();
    let title = e.title.as_deref().filter(|t| !t.trim().is_empty());
    let text = match e.kind.as_str() {
        "pageview" => match title {
            Some(t) => format!(
                "{} «{t}» — {page}",
                l.t("Открыл страницу", "Viewed the page")
            ),
            None => format!("{} {page}", l.t("Открыл страницу", "Viewed the page")),
        },
        "widget_open" => format!(
            "{} {page}",
            l.t(
                "Открыл форму записи на странице",
                "Opened the booking form on"
            )
        ),
        "booked" => booked_words(l, e.props.as_ref()),
        "custom" => {
            let name = e.name.as_deref().unwrap_or("");
            let mut t = format!("{} «{name}» — {page}", l.t("Событие", "Event"));
            if let Some(p) = e
                .props
                .as_ref()
                .map(|p| props_words(l, p))
                .filter(|p| !p.is_empty())
            {
                t.push_str(" (");
                t.push_str(&p);
                t.push(')');
            }
            t
        }
        _ => format!("{} — {page}", i18n::event_kind(l, &e.kind)),
    };
    EventLine {
        at: e.at.clone(),
        kind: e.kind.clone(),
        text,
    }
}

/// "Записался: Стрижка, мастер Ирина, 2025-07-20 14:00" from a cleaned `booked` event.
fn booked_words(l: L, props: Option<&Value>) -> String {
    let mut parts = Vec::new();
    if let Some(p) = props {
        let services: Vec<&str> = p["services"]
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if !services.is_empty() {
            parts.push(services.join(", "));
        }
        if let Some(staff) = p["staff"].as_str().filter(|s| !s.is_empty()) {
            parts.push(format!("{} {staff}", l.t("мастер", "master")));
        }
        if let Some(at) = p["datetime"].as_str().filter(|s| !s.is_empty()) {
            parts.push(short_time(at));
        }
    }
    let head = l.t("Записался", "Booked");
    if parts.is_empty() {
        head.to_owned()
    } else {
        format!("{head}: {}", parts.join(", "))
    }
}

/// Props as `key: value; key: value` — text as written, lists joined, yes/no in words.
fn props_words(l: L, props: &Value) -> String {
    fn value(l: L, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(
                if *b {
                    l.t("да", "yes")
                } else {
                    l.t("нет", "no")
                }
                .to_owned(),
            ),
            Value::Array(a) => {
                let items: Vec<String> = a.iter().filter_map(|v| value(l, v)).collect();
                (!items.is_empty()).then(|| items.join(", "))
            }
            Value::Object(o) => {
                let items: Vec<String> = o
                    .iter()
                    .filter_map(|(k, v)| Some(format!("{k}: {}", value(l, v)?)))
                    .collect();
                (!items.is_empty()).then(|| items.join(", "))
            }
            Value::Null => None,
        }
    }
    match props {
        Value::Object(o) => o
            .iter()
            .filter_map(|(k, v)| Some(format!("{k}: {}", value(l, v)?)))
            .collect::<Vec<_>>()
            .join("; "),
        other => value(l, other).unwrap_or_default(),
    }
}
