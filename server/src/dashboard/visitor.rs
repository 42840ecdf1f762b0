//! The visitor card: sessions with their touches and the pages viewed in order, custom events,
//! bookings with their outcomes, total paid.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};

use askama::Template;

use super::{
    Frame, error_page,
    format::{money, short_time, touch_text},
    here,
    i18n::{self, L},
    not_found, page,
};
use crate::{
    app::AppState,
    auth::DashSession,
    reports::visitor::{SessionView, card},
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
            (l.t("Сессий", "Sessions"), c.sessions.len().to_string()),
            (l.t("Заявок", "Bookings"), c.bookings.len().to_string()),
            (
                l.t("Оплачено всего", "Total paid"),
                money(c.total_paid, l.ru()),
            ),
        ],
        heads: HEADS.map(|(ru, en)| l.t(ru, en)),
        bookings: c
            .bookings
            .iter()
            .map(|b| BookingRow {
                created: b.created.to_string(),
                visit: short_time(&b.visit),
                services: b.services.join(", "),
                source: b.last.source.clone(),
                state: b.state.to_string(),
                state_label: i18n::state(l.0, b.state),
                paid: money(b.paid, l.ru()),
            })
            .collect(),
        sessions: c
            .sessions
            .iter()
            .enumerate()
            .map(|(i, s)| session_block(l, i + 1, s))
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
    heads: [&'static str; 6],
    bookings: Vec<BookingRow>,
    sessions: Vec<SessionBlock>,
}

struct BookingRow {
    created: String,
    visit: String,
    services: String,
    source: String,
    state: String,
    state_label: &'static str,
    paid: String,
}

struct SessionBlock {
    n: usize,
    started: String,
    /// `source / medium / campaign`, the empty parts left out.
    touch: String,
    /// The touch's details that are known.
    rows: Vec<(&'static str, String)>,
    events: Vec<EventLine>,
}

struct EventLine {
    at: String,
    kind: &'static str,
    name: Option<String>,
    path: String,
    title: Option<String>,
    props: Option<String>,
}

const HEADS: [(&str, &str); 6] = [
    ("Создана", "Created"),
    ("Визит", "Visit"),
    ("Услуги", "Services"),
    ("Источник", "Source"),
    ("Статус", "State"),
    ("Оплачено", "Paid"),
];

fn session_block(l: L, n: usize, s: &SessionView) -> SessionBlock {
    let rows = [
        (
            l.t("Тип трафика", "Channel"),
            Some(i18n::channel(l, &s.touch.channel).to_owned()),
        ),
        (l.t("Объявление", "Content"), s.content.clone()),
        (l.t("Ключевое слово", "Term"), s.term.clone()),
        (l.t("Откуда пришёл", "Referrer"), s.referrer.clone()),
        (l.t("Страница входа", "Landing page"), s.landing.clone()),
        (
            l.t("Клик по рекламе", "Ad click id"),
            s.click_id.then(|| l.t("да", "yes").to_owned()),
        ),
    ];
    SessionBlock {
        n,
        started: s.started.to_string(),
        touch: touch_text(&s.touch),
        rows: rows
            .into_iter()
            .filter_map(|(t, v)| Some((t, v?)))
            .collect(),
        events: s
            .events
            .iter()
            .map(|e| EventLine {
                at: e.at.to_string(),
                kind: i18n::event_kind(l, &e.kind),
                name: e.name.clone(),
                path: e.path.clone(),
                title: e.title.clone().filter(|t| !t.is_empty()),
                props: e.props.as_ref().map(ToString::to_string),
            })
            .collect(),
    }
}
