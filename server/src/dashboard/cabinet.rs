//! The client cabinet for the owner: how clients use it (sign-ins, cancellations and moves
//! they made themselves, questions waiting), the questions with an answer form (a question
//! reads unread until answered), and the deletion requests clients sent by deleting their
//! account (the client card stays in YCLIENTS until the salon deletes it there).

use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use askama::Template;

use super::{Frame, error_page, format::seg, here, i18n::L, login::form_ok, not_found, page};
use crate::{
    app::AppState,
    auth::{DashSession, Session},
    config::SiteSettings,
    reports::{local_time, zone},
    util::clock::now_ms,
};

/// The period the use counts cover, days.
const DAYS: i64 = 30;

#[derive(Template)]
#[template(path = "dashboard/cabinet.html")]
struct Body<'a> {
    l: L,
    title: &'a str,
    site: String,
    csrf: &'a str,
    /// `(id, label, count)` of the use counts.
    counts: Vec<(&'static str, &'static str, i64)>,
    threads: Vec<ThreadView>,
    deletions: Vec<DeletionView>,
}

struct ThreadView {
    id: i64,
    client: String,
    visit: Option<i64>,
    waiting: bool,
    /// `(from the salon, text, when)`.
    messages: Vec<(bool, String, String)>,
}

struct DeletionView {
    id: i64,
    name: String,
    phone: String,
    at: String,
    handled: Option<String>,
}

fn frame<'a>(l: L, s: &'a Session, site: &'a SiteSettings, here: String) -> Frame<'a> {
    Frame {
        l,
        title: format!(
            "{} — {}",
            l.t("Кабинет клиентов", "Client cabinet"),
            site.key
        ),
        session: Some(s),
        site: Some(&site.key),
        here,
        active: "cabinet",
    }
}

/// `GET /dashboard/sites/{site}/cabinet`
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
    let f = frame(l, &s, site, here(&uri));
    let store = &app.store;
    let tz = zone(site);
    let since = now_ms() - DAYS * 86_400_000;
    let (usage, threads, deletions) = match (
        store.cabinet_use(&site.key, since).await,
        store.cabinet_site_threads(&site.key, 100).await,
        store.cabinet_deletions(&site.key, 100).await,
    ) {
        (Ok(u), Ok(t), Ok(d)) => (u, t, d),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            return error_page(&f, &crate::error::ApiError::unavailable(e));
        }
    };
    let mut views = Vec::with_capacity(threads.len());
    for t in threads {
        let messages = store.cabinet_messages(t.id).await.unwrap_or_default();
        views.push(ThreadView {
            id: t.id,
            client: t.client_name,
            visit: t.visit,
            waiting: t.salon_unread > 0,
            messages: messages
                .into_iter()
                .map(|m| (m.from_salon, m.text, local_time(m.at, &tz)))
                .collect(),
        });
    }
    let body = Body {
        l,
        title: &f.title,
        site: seg(&site.key),
        csrf: &s.csrf,
        counts: vec![
            (
                "sign-ins",
                l.t("Входов в кабинет", "Sign-ins"),
                usage.sign_ins,
            ),
            (
                "cancels",
                l.t("Отмен клиентами", "Cancelled by clients"),
                usage.cancels,
            ),
            (
                "reschedules",
                l.t("Переносов клиентами", "Moved by clients"),
                usage.reschedules,
            ),
            (
                "waiting",
                l.t("Вопросов ждут ответа", "Questions waiting"),
                usage.waiting,
            ),
            (
                "deletions",
                l.t("Запросов на удаление", "Deletion requests"),
                usage.deletions,
            ),
        ],
        threads: views,
        deletions: deletions
            .into_iter()
            .map(|d| DeletionView {
                id: d.id,
                name: d.name,
                phone: format!("+{}", d.phone),
                at: local_time(d.at, &tz),
                handled: d.handled.map(|h| local_time(h, &tz)),
            })
            .collect(),
    };
    page(StatusCode::OK, &f, &body)
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

/// `POST /dashboard/sites/{site}/cabinet/questions/{id}`: the owner answers.
pub async fn answer(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<AnswerForm>,
) -> Response {
    let (site, f) = match owner_form(&app, &s, &key, &headers, &uri, &form.csrf) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    let text = match crate::cabinet::questions::text(&form.text) {
        Ok(t) => t,
        Err(e) => return error_page(&f, &e),
    };
    match app.store.cabinet_thread(&site.key, id, None).await {
        Ok(Some(t)) => {
            if let Err(e) = app
                .store
                .cabinet_add_message(t.id, true, &text, now_ms())
                .await
            {
                return error_page(&f, &crate::error::ApiError::unavailable(e));
            }
        }
        Ok(None) => return not_found(f.l, &s, here(&uri)),
        Err(e) => return error_page(&f, &crate::error::ApiError::unavailable(e)),
    }
    back(&site.key, &format!("thread-{id}"))
}

#[derive(Deserialize)]
pub struct DoneForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /dashboard/sites/{site}/cabinet/deletions/{id}`: the request is done.
pub async fn deletion_done(
    State(app): State<AppState>,
    DashSession(s): DashSession,
    Path((key, id)): Path<(String, i64)>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<DoneForm>,
) -> Response {
    let (site, f) = match owner_form(&app, &s, &key, &headers, &uri, &form.csrf) {
        Ok(found) => found,
        Err(refused) => return *refused,
    };
    match app
        .store
        .cabinet_deletion_handled(&site.key, id, now_ms())
        .await
    {
        Ok(_) => back(&site.key, "deletions"),
        Err(e) => error_page(&f, &crate::error::ApiError::unavailable(e)),
    }
}

/// The owner's site and the page frame for a form posted to it: "not found" for a site that is
/// not hers, the CSRF refusal for a form that is not from her page.
fn owner_form<'a>(
    app: &'a AppState,
    s: &'a Session,
    key: &str,
    headers: &HeaderMap,
    uri: &Uri,
    csrf: &str,
) -> Result<(&'a SiteSettings, Frame<'a>), Box<Response>> {
    let l = L::from_headers(headers);
    let Some(site) = s.site(app, key) else {
        return Err(Box::new(not_found(l, s, here(uri))));
    };
    let f = frame(l, s, site, here(uri));
    if !form_ok(headers, s, csrf) {
        return Err(Box::new(error_page(
            &f,
            &crate::auth::session::csrf_refused(),
        )));
    }
    Ok((site, f))
}

fn back(site: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/dashboard/sites/{}/cabinet#{anchor}", seg(site))).into_response()
}
