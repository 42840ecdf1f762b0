//! Data erasure: a visitor by id or a client by phone. The log below shows who erased what kind
//! of data and when, and how many rows — never the data itself.

use axum::{
    Form,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
};
use serde::Deserialize;

use super::{Frame, error_page, here, html::Html, i18n::L, login::form_ok, not_found, page};
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
    let title = format!("{} — {}", l.t("Удаление данных", "Data erasure"), site.key);
    let mut h = Html::new();
    h.put("<h1>{}</h1>", &[&title]);
    if let Some((ok, message)) = notice {
        let (id, role) = if ok {
            ("notice", "status")
        } else {
            ("error", "alert")
        };
        h.put("<p id=\"{}\" role=\"{}\">{}</p>", &[&id, &role, &message]);
    }
    h.put("<p>{}</p>", &[&l.t(
        "Удаляются имена, телефоны, почта, комментарии, идентификаторы посетителя и сессий, адреса страниц с параметрами, источники переходов и идентификаторы кликов. Счётчики и суммы в отчётах сохраняются обезличенно. Отменить удаление нельзя.",
        "Names, phones, e-mails, comments, visitor and session ids, page addresses with parameters, referrers and click ids are erased. Counts and sums in the reports stay, anonymous. An erasure cannot be undone.",
    )]);
    for (kind, heading, label, input) in [
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
    ] {
        h.put("<form method=\"post\" action=\"/dashboard/sites/{}/privacy\" class=\"erase\" aria-labelledby=\"erase-{}-title\">", &[&super::html::seg(&site.key), &kind]);
        h.put("<h2 id=\"erase-{}-title\">{}</h2><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"kind\" value=\"{}\">", &[&kind, &heading, &s.csrf, &kind]);
        h.put("<p><label for=\"erase-{}\">{}</label><input id=\"erase-{}\" name=\"value\" type=\"{}\" required autocomplete=\"off\"></p>", &[&kind, &label, &kind, &input]);
        h.put("<p><label><input type=\"checkbox\" name=\"confirm\" id=\"erase-{}-confirm\" required> {}</label></p>", &[&kind, &l.t("Понимаю, что это нельзя отменить", "I understand this cannot be undone")]);
        h.put(
            "<p><button type=\"submit\" id=\"erase-{}-submit\">{}</button></p></form>",
            &[&kind, &l.t("Удалить", "Erase")],
        );
    }
    log(app, &mut h, l, site).await;
    let frame = Frame {
        l,
        title,
        session: Some(s),
        site: Some(&site.key),
        here,
        active: "privacy",
    };
    page(status, &frame, h)
}

async fn log(app: &AppState, h: &mut Html, l: L, site: &SiteSettings) {
    let entries = app.store.erasures(&site.key, 50).await.unwrap_or_default();
    h.put(
        "<table id=\"erasures\"><caption>{}</caption><thead><tr>",
        &[&l.t("Журнал удалений", "Erasure log")],
    );
    for (ru, en) in [
        ("Когда", "When"),
        ("Кто", "Who"),
        ("Что", "What"),
        ("Заявок", "Bookings"),
        ("Посетителей", "Visitors"),
        ("Сессий", "Sessions"),
        ("Событий", "Events"),
    ] {
        h.put("<th scope=\"col\">{}</th>", &[&l.t(ru, en)]);
    }
    h.raw("</tr></thead><tbody>");
    let tz = zone(site);
    for e in entries {
        let what = if e.kind == "client" {
            l.t("клиент", "client")
        } else {
            l.t("посетитель", "visitor")
        };
        h.put(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td>",
            &[&local_time(e.at, &tz), &e.actor, &what],
        );
        let c = e.counts;
        h.put("<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>", &[&c.bookings, &c.visitors, &c.sessions, &c.events]);
    }
    h.raw("</tbody></table>");
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
        Ok(Erased {
            bookings,
            visitors,
            sessions,
            events,
        }) => {
            let m = if l.ru() {
                format!(
                    "Удалено: заявок {bookings}, посетителей {visitors}, сессий {sessions}, событий {events}."
                )
            } else {
                format!(
                    "Erased: {bookings} bookings, {visitors} visitors, {sessions} sessions, {events} events."
                )
            };
            render(
                &app,
                l,
                &s,
                site,
                here(&uri),
                StatusCode::OK,
                Some((true, m)),
            )
            .await
        }
        Err(e) => {
            let m = if l.ru() { e.ru.clone() } else { e.en.clone() };
            render(&app, l, &s, site, here(&uri), e.status, Some((false, m))).await
        }
    }
}
