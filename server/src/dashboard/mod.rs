//! The owner's dashboard at `/dashboard`: server-rendered HTML that works without JavaScript —
//! login, the overview (the period against the one before, daily charts, top campaigns, refused
//! origins), leads (sortable, cards on a phone, with CSV), the visitor card as a story, channels
//! with charts, data erasure — in Russian and English, numbers written by language
//! ([`format`]). Every page is an askama template in `server/templates/dashboard/` (checked at
//! compile time, every value escaped); [`page`] puts it in the common frame. Routes: [`http`].

mod cabinet;
mod calls;
mod channels;
pub mod charts;
pub mod format;
pub mod http;
pub mod i18n;
pub mod imports;
mod leads;
pub(crate) mod login;
mod overview;
mod privacy;
mod visitor;

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use askama::Template;

use crate::{
    app::AppState,
    auth::Session,
    config::SiteSettings,
    error::ApiError,
    reports::{Filters, Params},
};
use format::seg;
use i18n::L;

/// What every page shares: the language, the title, who is logged in, the site and where we are.
pub struct Frame<'a> {
    pub l: L,
    pub title: String,
    pub session: Option<&'a Session>,
    pub site: Option<&'a str>,
    /// Path and query of this page (the language switch comes back here).
    pub here: String,
    /// `overview`, `leads`, `channels`, `calls`, `privacy`, `imports` or "".
    pub active: &'static str,
}

#[derive(Template)]
#[template(path = "dashboard/layout.html")]
struct Layout<'a> {
    l: L,
    title: &'a str,
    /// The site's path segment when the sections are shown (a site, logged in).
    nav_site: Option<String>,
    sections: Vec<Section>,
    langs: [LangLink; 2],
    /// `next=…` of the language links.
    next: String,
    session: Option<&'a Session>,
    main: &'a str,
}

struct Section {
    key: &'static str,
    label: &'static str,
    current: bool,
}

struct LangLink {
    code: &'static str,
    name: &'static str,
    current: bool,
}

/// A template's markup; a template that fails to render (a `Display` error, never expected) is
/// logged and renders as nothing.
pub fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "a template failed to render");
        String::new()
    })
}

/// A full page with the security headers of the dashboard: `body` inside the frame.
pub fn page(status: StatusCode, f: &Frame, body: &impl Template) -> Response {
    let l = f.l;
    let main = render(body);
    let layout = Layout {
        l,
        title: &f.title,
        nav_site: f.site.filter(|_| f.session.is_some()).map(seg),
        sections: [
            ("overview", "Обзор", "Overview"),
            ("leads", "Заявки", "Leads"),
            ("channels", "Каналы", "Channels"),
            ("calls", "Звонки", "Calls"),
            ("privacy", "Удаление данных", "Data erasure"),
            ("imports", "Импорт", "Import"),
            ("cabinet", "Кабинет клиентов", "Client cabinet"),
        ]
        .into_iter()
        .map(|(key, ru, en)| Section {
            key,
            label: l.t(ru, en),
            current: key == f.active,
        })
        .collect(),
        langs: [("ru", "Русский"), ("en", "English")].map(|(code, name)| LangLink {
            code,
            name,
            current: code == l.code(),
        }),
        next: serde_urlencoded::to_string([("next", f.here.as_str())]).unwrap_or_default(),
        session: f.session,
        main: &main,
    };
    html_response(status, render(&layout))
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

#[derive(Template)]
#[template(path = "dashboard/error.html")]
struct ErrorBody<'a> {
    l: L,
    title: &'a str,
    message: &'a str,
    logged_in: bool,
}

/// An error as a page in the owner's language.
pub fn error_page(f: &Frame, err: &ApiError) -> Response {
    let body = ErrorBody {
        l: f.l,
        title: &f.title,
        message: if f.l.ru() { &err.ru } else { &err.en },
        logged_in: f.session.is_some(),
    };
    page(err.status, f, &body)
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

/// What a page of one site starts from: the owner's language, the site, the frame (titled
/// `title — site`) and the period and filters of the query.
pub struct SitePage<'a> {
    pub l: L,
    pub site: &'a SiteSettings,
    pub frame: Frame<'a>,
    pub f: Filters,
}

/// Opens a page of one of the owner's sites: "not found" for a site that is not hers, the
/// error page for filters that do not parse.
pub fn site_page<'a>(
    app: &'a AppState,
    s: &'a Session,
    key: &str,
    (headers, uri, raw): (&axum::http::HeaderMap, &axum::http::Uri, Option<&str>),
    (ru, en): (&'static str, &'static str),
    active: &'static str,
) -> Result<SitePage<'a>, Box<Response>> {
    let l = L::from_headers(headers);
    let Some(site) = s.site(app, key) else {
        return Err(Box::new(not_found(l, s, here(uri))));
    };
    let frame = Frame {
        l,
        title: format!("{} — {}", l.t(ru, en), site.key),
        session: Some(s),
        site: Some(&site.key),
        here: here(uri),
        active,
    };
    match Params::parse_query(raw).and_then(|p| p.filters(site)) {
        Ok(f) => Ok(SitePage { l, site, frame, f }),
        Err(e) => Err(Box::new(error_page(&frame, &e))),
    }
}

/// A page's own path and query.
pub fn here(uri: &axum::http::Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned())
}
