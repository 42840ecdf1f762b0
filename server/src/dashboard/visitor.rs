//! The visitor card: sessions with their touches and the pages viewed in order, custom events,
//! bookings with their outcomes, total paid.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};

use super::{
    Frame, error_page, here,
    html::{Html, money, short_time},
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
    let mut h = Html::new();
    h.put(
        "<h1>{} <code>{}</code></h1><dl class=\"summary\">",
        &[&l.t("Посетитель", "Visitor"), &c.vid],
    );
    let dash = "—".to_owned();
    for (term, value) in [
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
    ] {
        h.put("<dt>{}</dt><dd>{}</dd>", &[&term, &value]);
    }
    h.raw("</dl>");
    h.put(
        "<h2 id=\"bookings-title\">{}</h2>",
        &[&l.t("Заявки", "Bookings")],
    );
    h.raw("<table id=\"bookings\" aria-labelledby=\"bookings-title\"><thead><tr>");
    for (ru, en) in [
        ("Создана", "Created"),
        ("Визит", "Visit"),
        ("Услуги", "Services"),
        ("Источник", "Source"),
        ("Статус", "State"),
        ("Оплачено", "Paid"),
    ] {
        h.put("<th scope=\"col\">{}</th>", &[&l.t(ru, en)]);
    }
    h.raw("</tr></thead><tbody>");
    if c.bookings.is_empty() {
        h.put(
            "<tr><td colspan=\"6\">{}</td></tr>",
            &[&l.t("Заявок нет.", "No bookings.")],
        );
    }
    for b in &c.bookings {
        h.put("<tr><th scope=\"row\" class=\"when\">{}</th><td class=\"when\">{}</td><td>{}</td><td>{}</td>", &[&b.created, &short_time(&b.visit), &b.services.join(", "), &b.last.source]);
        h.put(
            "<td class=\"state state-{}\">{}</td><td class=\"num\">{}</td></tr>",
            &[&b.state, &i18n::state(l.0, b.state), &money(b.paid, l.ru())],
        );
    }
    h.raw("</tbody></table>");
    h.put("<h2>{}</h2>", &[&l.t("Сессии", "Sessions")]);
    if c.sessions.is_empty() {
        h.put("<p>{}</p>", &[&l.t("Сессий нет.", "No sessions.")]);
    }
    for (i, session) in c.sessions.iter().enumerate() {
        session_block(&mut h, l, i + 1, session);
    }
    page(StatusCode::OK, &frame, h)
}

fn session_block(h: &mut Html, l: L, n: usize, s: &SessionView) {
    h.put("<section class=\"session\" aria-labelledby=\"session-{}\"><h3 id=\"session-{}\">{} {} — {} — {}", &[&n, &n, &l.t("Сессия", "Session"), &n, &s.started, &s.touch.source]);
    for part in [&s.touch.medium, &s.touch.campaign]
        .into_iter()
        .filter(|p| !p.is_empty())
    {
        h.put(" / {}", &[part]);
    }
    h.raw("</h3><dl class=\"touch\">");
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
    for (term, value) in rows.into_iter().filter_map(|(t, v)| Some((t, v?))) {
        h.put("<dt>{}</dt><dd>{}</dd>", &[&term, &value]);
    }
    h.raw("</dl><ol class=\"events\">");
    for e in &s.events {
        h.put(
            "<li><time>{}</time> <span class=\"kind\">{}</span> ",
            &[&e.at, &i18n::event_kind(l, &e.kind)],
        );
        if let Some(name) = &e.name {
            h.put("<strong>{}</strong> ", &[name]);
        }
        h.put("<span class=\"path\">{}</span>", &[&e.path]);
        if let Some(title) = e.title.as_ref().filter(|t| !t.is_empty()) {
            h.put(" — {}", &[title]);
        }
        if let Some(props) = &e.props {
            h.put(" <code>{}</code>", &[props]);
        }
        h.raw("</li>");
    }
    h.raw("</ol></section>");
}
