//! The cancel link's pages: the booking in words, then a button or what happened
//! (`booking/cancel.html`), and the answer headers every one of them carries.

use askama::Template;
use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use protocol::booking::BookingResult;

use super::{Found, t, when_in_words};
use crate::error::Lang;

#[derive(Template)]
#[template(path = "booking/cancel.html")]
struct Page<'a> {
    lang: &'static str,
    title: &'static str,
    summary: Option<Summary>,
    /// The labels of the summary, in the visitor's language: when, where, services, master.
    labels: [&'static str; 4],
    body: Body<'a>,
}

/// What the page says below the booking.
pub enum Body<'a> {
    /// A plain paragraph (the link is wrong).
    Message(&'static str),
    /// `#cancelled`: the booking is (already) cancelled.
    Status(&'static str),
    /// `#refused`: YCLIENTS would not cancel it.
    Refused(&'static str),
    /// The cancel button; with the move link and its rule inside the salon's window, else
    /// "call the salon to move it".
    Form {
        token: &'a str,
        button: &'static str,
        moving: Moving,
    },
}

/// How the visit can be moved from this page.
pub enum Moving {
    /// Online: "You can move it up to N h before the visit", and the link.
    Online {
        rule: String,
        href: String,
        label: &'static str,
    },
    /// "To move the visit, call the salon: …".
    Call(Option<String>),
}

pub struct Summary {
    /// "суббота, 12 декабря 2026, 16:15 (по времени Екатеринбурга)".
    pub when: String,
    pub branch: String,
    pub address: String,
    pub services: String,
    pub staff: String,
}

pub fn summary(lang: Lang, r: &BookingResult) -> Summary {
    Summary {
        when: when_in_words(lang, &r.datetime, &r.timezone),
        branch: r.branch.clone(),
        address: r.address.clone(),
        services: r.services.join(", "),
        staff: r.staff.clone(),
    }
}

pub fn labels(lang: Lang) -> [&'static str; 4] {
    [
        t(lang, "Когда", "When"),
        t(lang, "Где", "Where"),
        t(lang, "Услуги", "Services"),
        t(lang, "Мастер", "Master"),
    ]
}

pub fn lang_tag(lang: Lang) -> &'static str {
    if lang == Lang::En { "en" } else { "ru" }
}

pub fn page(
    lang: Lang,
    status: StatusCode,
    title: &'static str,
    found: Option<&Found>,
    body: Body<'_>,
) -> Response {
    let page = Page {
        lang: lang_tag(lang),
        title,
        summary: found
            .and_then(|f| f.result.as_ref())
            .map(|r| summary(lang, r)),
        labels: labels(lang),
        body,
    };
    html(status, page.render())
}

/// A rendered page with the cancel pages' headers: never cached, never framed, no referrer
/// (the URL holds the record's hash), forms to this origin only.
pub fn html(status: StatusCode, rendered: askama::Result<String>) -> Response {
    let out = rendered.unwrap_or_else(|e| {
        tracing::error!(error = %e, "the cancel page failed to render");
        String::new()
    });
    let mut res = (status, out).into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        "text/html; charset=utf-8".parse().expect("header"),
    );
    headers.insert(header::CACHE_CONTROL, "no-store".parse().expect("header"));
    // The token never leaves in a Referer to another site; `no-referrer` would also make a
    // browser send `Origin: null` with the page's own forms, which the Origin check refuses.
    headers.insert("referrer-policy", "same-origin".parse().expect("header"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            .parse()
            .expect("header"),
    );
    headers.insert("x-frame-options", "DENY".parse().expect("header"));
    res
}
