//! Data erasure: a visitor by id or a client by phone. The log below shows who erased what kind
//! of data and when, and how many rows — never the data itself.

use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use serde::Deserialize;

use askama::Template;

use super::{Frame, error_page, format::seg, here, i18n::L, login::form_ok, not_found, page};
use crate::{
    app::AppState,
    auth::{DashSession, Session},
    config::SiteSettings,
    reports::{
        erase::{Target, erase as erase_data},
        local_time, zone,
    },
    store::Erased,
};

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    confirm: Option<String>,
}

/// `GET /dashboard/sites/{site}/privacy`
pub async fn page_handler(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let l = L::from_headers(&headers);
    let Some(site) = s.site(&app, &key) else {
        return not_found(l, &s, here(&uri));
    };
    render(&app, l, &s, site, here(&uri), StatusCode::OK, None).await
}

async fn render(
    app: &AppState,
    l: L,
    s: &Session,
    site: &SiteSettings,
    here: String,
    status: StatusCode,
    notice: Option<(bool, String)>,
) -> Response {
    render_with(app, l, s, site, here, status, notice, Vec::new()).await
}

/// [`render`], with what an erasure left and where (`remains`).
#[allow(clippy::too_many_arguments)]
async fn render_with(
    app: &AppState,
    l: L,
    s: &Session,
    site: &SiteSettings,
    here: String,
    status: StatusCode,
    notice: Option<(bool, String)>,
    remains: Vec<&'static str>,
) -> Response {
    let title = format!("{} — {}", l.t("Удаление данных", "Data erasure"), site.key);
    let tz = zone(site);
    let log = app
        .store
        .erasures(&site.key, 50)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|e| LogRow {
            at: local_time(e.at, &tz),
            actor: e.actor,
            what: if e.kind == "client" {
                l.t("клиент", "client")
            } else {
                l.t("посетитель", "visitor")
            },
            bookings: e.counts.bookings,
            visitors: e.counts.visitors,
            sessions: e.counts.sessions,
            events: e.counts.events,
        })
        .collect();
    let body = Body {
        l,
        title: &title,
        notice: notice.map(|(ok, message)| {
            if ok {
                ("notice", "status", message)
            } else {
                ("error", "alert", message)
            }
        }),
        site: seg(&site.key),
        csrf: &s.csrf,
        forms: [
            (
                "visitor",
                l.t("Удалить посетителя", "Erase a visitor"),
                l.t("Идентификатор посетителя", "Visitor id"),
                "text",
            ),
            (
                "phone",
                l.t("Удалить клиента по телефону", "Erase a client by phone"),
                l.t("Телефон", "Phone"),
                "tel",
            ),
        ],
        heads: [
            ("Когда", "When"),
            ("Кто", "Who"),
            ("Что", "What"),
            ("Заявок", "Bookings"),
            ("Посетителей", "Visitors"),
            ("Сессий", "Sessions"),
            ("Событий", "Events"),
        ]
        .map(|(ru, en)| l.t(ru, en)),
        log,
        remains,
    };
    let frame = Frame {
        l,
        title: title.clone(),
        session: Some(s),
        site: Some(&site.key),
        here,
        active: "privacy",
    };
    page(status, &frame, &body)
}

#[derive(Template)]
#[template(path = "dashboard/privacy.html")]
struct Body<'a> {
    l: L,
    title: &'a str,
    /// `(id, role, message)`: `notice`/`status` after an erasure, `error`/`alert` on a refusal.
    notice: Option<(&'static str, &'static str, String)>,
    site: String,
    csrf: &'a str,
    /// `(kind, heading, label, input type)` of the two erase forms.
    forms: [(&'static str, &'static str, &'static str, &'static str); 2],
    heads: [&'static str; 7],
    log: Vec<LogRow>,
    /// After an erasure: what is still held, and where (zapis, YCLIENTS).
    remains: Vec<&'static str>,
}

/// One erasure of the log: who, what kind, how many rows — never the data.
struct LogRow {
    at: String,
    actor: String,
    what: &'static str,
    bookings: i64,
    visitors: i64,
    sessions: i64,
    events: i64,
}

/// `POST /dashboard/sites/{site}/privacy`
pub async fn erase(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path(key): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<EraseForm>,
) -> Response {
    let l = L::from_headers(&headers);
    let Some(site) = s.site(&app, &key) else {
        return not_found(l, &s, here(&uri));
    };
    if !form_ok(&headers, &s, &form.csrf) {
        let frame = Frame {
            l,
            title: l.t("Удаление данных", "Data erasure").into(),
            session: Some(&s),
            site: Some(&site.key),
            here: here(&uri),
            active: "privacy",
        };
        return error_page(&frame, &crate::auth::session::csrf_refused());
    }
    if form.confirm.is_none() {
        let m = l.t(
            "Отметьте, что понимаете: удаление нельзя отменить.",
            "Tick that you understand an erasure cannot be undone.",
        );
        return render(
            &app,
            l,
            &s,
            site,
            here(&uri),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some((false, m.into())),
        )
        .await;
    }
    let target = if form.kind == "phone" {
        Target::Phone(&form.value)
    } else {
        Target::Visitor(&form.value)
    };
    match erase_data(&app, &site.key, &s.login, target).await {
        Ok(erased) => {
            let Erased {
                bookings,
                visitors,
                sessions,
                events,
            } = erased;
            let m = if l.ru() {
                format!(
                    "Удалено: заявок {bookings}, посетителей {visitors}, сессий {sessions}, событий {events}."
                )
            } else {
                format!(
                    "Erased: {bookings} bookings, {visitors} visitors, {sessions} sessions, {events} events."
                )
            };
            let remains = crate::reports::erase::remains(&erased)
                .into_iter()
                .map(|(ru, en)| l.t(ru, en))
                .collect();
            render_with(
                &app,
                l,
                &s,
                site,
                here(&uri),
                StatusCode::OK,
                Some((true, m)),
                remains,
            )
            .await
        }
        Err(e) => {
            let m = if l.ru() { e.ru.clone() } else { e.en.clone() };
            render(&app, l, &s, site, here(&uri), e.status, Some((false, m))).await
        }
    }
}
