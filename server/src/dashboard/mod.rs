//! The owner's dashboard at `/dashboard`: server-rendered HTML that works without JavaScript —
//! login, leads (with CSV), the visitor card, channels with charts, data erasure — in Russian
//! and English. Every page is built with [`html::Html`], which escapes every value. Routes:
//! [`http`].

mod channels;
pub mod charts;
pub mod html;
pub mod http;
pub mod i18n;
mod leads;
mod login;
mod privacy;
mod visitor;

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use crate::{auth::Session, error::ApiError};
use html::{Html, seg};
use i18n::L;

/// What every page shares: the language, the title, who is logged in, the site and where we are.
pub struct Frame<'a> {
    pub l: L,
    pub title: String,
    pub session: Option<&'a Session>,
    pub site: Option<&'a str>,
    /// Path and query of this page (the language switch comes back here).
    pub here: String,
    /// `leads`, `channels`, `privacy` or "".
    pub active: &'static str,
}

/// A full page with the security headers of the dashboard.
pub fn page(status: StatusCode, f: &Frame, body: Html) -> Response {
    let l = f.l;
    let mut h = Html::new();
    h.put(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">",
        &[&l.code()],
    );
    h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.put("<title>{} — zapis</title><link rel=\"stylesheet\" href=\"/dashboard/style.css\"></head><body>", &[&f.title]);
    h.put(
        "<a class=\"skip\" href=\"#main\">{}</a><header class=\"top\"><p class=\"brand\">zapis</p>",
        &[&l.t("Перейти к содержанию", "Skip to content")],
    );
    if let (Some(site), Some(_)) = (f.site, f.session) {
        h.put(
            "<nav aria-label=\"{}\"><ul class=\"sections\">",
            &[&l.t("Разделы", "Sections")],
        );
        for (key, ru, en) in [
            ("leads", "Заявки", "Leads"),
            ("channels", "Каналы", "Channels"),
            ("privacy", "Удаление данных", "Data erasure"),
        ] {
            let current = if key == f.active {
                " aria-current=\"page\""
            } else {
                ""
            };
            h.put(
                "<li><a id=\"nav-{}\" href=\"/dashboard/sites/{}/{}\"",
                &[&key, &seg(site), &key],
            );
            h.raw(current).raw(">").text(l.t(ru, en)).raw("</a></li>");
        }
        h.raw("</ul></nav>");
    }
    h.put(
        "<nav aria-label=\"{}\" class=\"lang\"><ul>",
        &[&l.t("Язык", "Language")],
    );
    let next = serde_urlencoded::to_string([("next", f.here.as_str())]).unwrap_or_default();
    for (code, name) in [("ru", "Русский"), ("en", "English")] {
        h.put(
            "<li><a id=\"lang-{}\" lang=\"{}\" hreflang=\"{}\" href=\"/dashboard/lang/{}?{}\"",
            &[&code, &code, &code, &code, &next],
        );
        h.raw(if code == l.code() {
            " aria-current=\"true\""
        } else {
            ""
        })
        .put(">{}</a></li>", &[&name]);
    }
    h.raw("</ul></nav>");
    if let Some(s) = f.session {
        h.put("<form method=\"post\" action=\"/dashboard/logout\" class=\"logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">", &[&s.csrf]);
        h.put(
            "<button type=\"submit\" id=\"logout\">{} ({})</button></form>",
            &[&l.t("Выйти", "Log out"), &s.login],
        );
    }
    h.raw("</header><main id=\"main\" tabindex=\"-1\">")
        .append(body)
        .raw("</main></body></html>");
    html_response(status, h.finish())
}

pub fn html_response(status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// An error as a page in the owner's language.
pub fn error_page(f: &Frame, err: &ApiError) -> Response {
    let mut h = Html::new();
    let message = if f.l.ru() { &err.ru } else { &err.en };
    h.put(
        "<h1>{}</h1><p id=\"error\" role=\"alert\">{}</p>",
        &[&f.title, message],
    );
    if f.session.is_some() {
        h.put(
            "<p><a href=\"/dashboard\">{}</a></p>",
            &[&f.l.t("К списку сайтов", "Back to your sites")],
        );
    }
    page(err.status, f, h)
}

/// The owner's site or a "not found" page (another owner's site looks the same as none).
pub fn not_found(l: L, session: &Session, here: String) -> Response {
    let f = Frame {
        l,
        title: l.t("Не найдено", "Not found").into(),
        session: Some(session),
        site: None,
        here,
        active: "",
    };
    error_page(&f, &ApiError::not_found())
}

/// A page's own path and query.
pub fn here(uri: &axum::http::Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned())
}
