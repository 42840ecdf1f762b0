//! The visitor's cancel link from the booking's success screen:
//! `GET /cancel/{site}/{id}?t=HASH` shows the booking and a button; `POST` cancels it in
//! YCLIENTS (`DELETE /user/records/{id}/{hash}`). The record hash is the capability: only the
//! visitor who booked has it.

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use protocol::booking::BookingResult;
use serde::Deserialize;

use askama::Template;

use crate::{app::AppState, error::Lang, util::clock::now_ms};

#[derive(Deserialize)]
pub struct Token {
    #[serde(default)]
    t: String,
}

struct Found {
    company_id: u64,
    result: Option<BookingResult>,
    records: Vec<(u64, String)>,
    cancelled: bool,
}

/// The booking if `token` is one of its record hashes (compared in constant time).
async fn find(app: &AppState, site: &str, id: &str, token: &str) -> Option<Found> {
    let view = app.store.booking_for_cancel(id).await.ok()??;
    if view.site != site || token.is_empty() {
        return None;
    }
    let records: Vec<serde_json::Value> =
        serde_json::from_str(view.records.as_deref().unwrap_or("[]")).ok()?;
    let records: Vec<(u64, String)> = records
        .iter()
        .filter_map(|r| {
            Some((
                r["record_id"].as_u64()?,
                r["record_hash"].as_str()?.to_owned(),
            ))
        })
        .collect();
    let ok = records
        .iter()
        .any(|(_, h)| constant_eq(h.as_bytes(), token.as_bytes()));
    ok.then(|| Found {
        company_id: u64::try_from(view.company_id).unwrap_or(0),
        result: view
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok()),
        records,
        cancelled: view.cancelled,
    })
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn t(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::En { en } else { ru }
}

#[derive(Template)]
#[template(path = "booking/cancel.html")]
struct Page<'a> {
    lang: &'static str,
    title: &'static str,
    summary: Option<Summary>,
    /// The labels of the summary, in the visitor's language: when, where, services, master.
    labels: [&'static str; 4],
    /// "To move the visit, call the salon: …" with the branch's phone.
    call: Option<String>,
    body: Body<'a>,
}

/// What the page says below the booking.
enum Body<'a> {
    /// A plain paragraph (the link is wrong).
    Message(&'static str),
    /// `#cancelled`: the booking is (already) cancelled.
    Status(&'static str),
    /// `#refused`: YCLIENTS would not cancel it.
    Refused(&'static str),
    /// The cancel button.
    Form {
        token: &'a str,
        button: &'static str,
    },
}

struct Summary {
    /// "суббота, 12 декабря 2026, 16:15 (по времени Екатеринбурга)".
    when: String,
    branch: String,
    address: String,
    services: String,
    staff: String,
}

fn summary(lang: Lang, r: &BookingResult) -> Summary {
    Summary {
        when: when_in_words(lang, &r.datetime, &r.timezone),
        branch: r.branch.clone(),
        address: r.address.clone(),
        services: r.services.join(", "),
        staff: r.staff.clone(),
    }
}

const WEEKDAYS: [(&str, &str); 7] = [
    ("понедельник", "Monday"),
    ("вторник", "Tuesday"),
    ("среда", "Wednesday"),
    ("четверг", "Thursday"),
    ("пятница", "Friday"),
    ("суббота", "Saturday"),
    ("воскресенье", "Sunday"),
];
const MONTHS: [(&str, &str); 12] = [
    ("января", "January"),
    ("февраля", "February"),
    ("марта", "March"),
    ("апреля", "April"),
    ("мая", "May"),
    ("июня", "June"),
    ("июля", "July"),
    ("августа", "August"),
    ("сентября", "September"),
    ("октября", "October"),
    ("ноября", "November"),
    ("декабря", "December"),
];

/// The visit's branch-local time in words with the branch's city: "суббота, 12 декабря 2026,
/// 16:15 (по времени Екатеринбурга)" / "Saturday, 12 December 2026, 16:15 (Yekaterinburg time)".
fn when_in_words(lang: Lang, datetime: &str, timezone: &str) -> String {
    let local = datetime.get(..19).unwrap_or(datetime);
    let Ok(dt) = local.parse::<jiff::civil::DateTime>() else {
        return datetime.replace('T', " ");
    };
    let weekday = WEEKDAYS[dt.weekday().to_monday_zero_offset() as usize];
    let month = MONTHS[(dt.month() - 1) as usize];
    let (ru, en) = super::zone::city(timezone);
    let clock = format!("{:02}:{:02}", dt.hour(), dt.minute());
    match lang {
        Lang::Ru => format!(
            "{}, {} {} {}, {clock} (по времени {ru})",
            weekday.0,
            dt.day(),
            month.0,
            dt.year()
        ),
        Lang::En => format!(
            "{}, {} {} {}, {clock} ({en} time)",
            weekday.1,
            dt.day(),
            month.1,
            dt.year()
        ),
    }
}

/// "To move the visit, call the salon: +7 …" (moving online is not offered yet: YCLIENTS' move
/// needs the salon's token and rules we do not hold here), with the branch's phone when the
/// catalog knows it.
async fn call_to_move(app: &AppState, site: &str, lang: Lang, found: &Found) -> Option<String> {
    let up = app.upstreams.get(site).ok()?;
    let branch = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        app.catalog.branch(&up, found.company_id),
    )
    .await
    .ok()?
    .ok()??;
    let phone = branch.phone?;
    Some(match lang {
        Lang::Ru => format!("Чтобы перенести визит на другое время, позвоните в салон: {phone}."),
        Lang::En => format!("To move the visit to another time, please call the salon: {phone}."),
    })
}

fn page(
    lang: Lang,
    status: StatusCode,
    title: &'static str,
    found: Option<&Found>,
    body: Body<'_>,
) -> Response {
    page_with(lang, status, title, found, None, body)
}

fn page_with(
    lang: Lang,
    status: StatusCode,
    title: &'static str,
    found: Option<&Found>,
    call: Option<String>,
    body: Body<'_>,
) -> Response {
    let page = Page {
        lang: if lang == Lang::En { "en" } else { "ru" },
        title,
        summary: found
            .and_then(|f| f.result.as_ref())
            .map(|r| summary(lang, r)),
        labels: [
            t(lang, "Когда", "When"),
            t(lang, "Где", "Where"),
            t(lang, "Услуги", "Services"),
            t(lang, "Мастер", "Master"),
        ],
        call,
        body,
    };
    let out = page.render().unwrap_or_else(|e| {
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
    headers.insert("referrer-policy", "no-referrer".parse().expect("header"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
            .parse()
            .expect("header"),
    );
    headers.insert("x-frame-options", "DENY".parse().expect("header"));
    res
}

fn not_found(lang: Lang) -> Response {
    page(
        lang,
        StatusCode::NOT_FOUND,
        t(lang, "Запись не найдена", "Booking not found"),
        None,
        Body::Message(t(
            lang,
            "Ссылка устарела или неверна. Чтобы изменить запись, позвоните в салон.",
            "This link is out of date or wrong. To change your booking, please call the salon.",
        )),
    )
}

pub async fn show(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    Query(q): Query<Token>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let Some(found) = find(&app, &site, &id, &q.t).await else {
        return not_found(lang);
    };
    if found.cancelled {
        return page(
            lang,
            StatusCode::OK,
            t(lang, "Запись отменена", "Booking cancelled"),
            Some(&found),
            Body::Status(t(
                lang,
                "Эта запись уже отменена.",
                "This booking is already cancelled.",
            )),
        );
    }
    let call = call_to_move(&app, &site, lang, &found).await;
    page_with(
        lang,
        StatusCode::OK,
        t(lang, "Ваша запись", "Your booking"),
        Some(&found),
        call,
        Body::Form {
            token: &q.t,
            button: t(lang, "Отменить запись", "Cancel the booking"),
        },
    )
}

pub async fn cancel(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    headers: HeaderMap,
    Form(q): Form<Token>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let Some(found) = find(&app, &site, &id, &q.t).await else {
        return not_found(lang);
    };
    let Ok(up) = app.upstreams.get(&site) else {
        return not_found(lang);
    };
    if !found.cancelled {
        // Marked first: the webhook that follows the deletion then reads "cancelled by the client".
        let _ = app.store.mark_client_cancelled(&id, now_ms()).await;
        for (record, hash) in &found.records {
            // 404: already deleted (a second submit, a double click) — what was wanted.
            let result = match up.client.delete_user_record(*record, hash).await {
                Err(yclients::Error::Api { status: 404, .. }) => Ok(()),
                other => other,
            };
            if let Err(e) = result {
                tracing::info!(booking = %id, error = %e, "cancel refused upstream");
                let _ = app.store.unmark_client_cancelled(&id).await;
                return page(
                    lang,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    t(lang, "Не удалось отменить", "Could not cancel"),
                    Some(&found),
                    Body::Refused(t(
                        lang,
                        "Отменить онлайн уже нельзя (слишком близко к визиту или салон не разрешает). Пожалуйста, позвоните в салон.",
                        "It is too late to cancel online (or the salon does not allow it). Please call the salon.",
                    )),
                );
            }
        }
        if let Err(e) = app.store.set_cancelled_by_client(&id, now_ms()).await {
            tracing::error!(booking = %id, error = %e, "cancelled upstream, not yet marked");
        }
        // A group event's seats are free again: its schedule is read afresh.
        app.schedules.changed(found.company_id);
        app.metrics.booking("cancelled_by_client");
        tracing::info!(booking = %id, "booking cancelled by the visitor");
    }
    page(
        lang,
        StatusCode::OK,
        t(lang, "Запись отменена", "Booking cancelled"),
        Some(&found),
        Body::Status(t(
            lang,
            "Запись отменена. Салон получил уведомление.",
            "Your booking is cancelled. The salon has been notified.",
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visit_reads_in_words_in_the_branchs_time() {
        assert_eq!(
            when_in_words(Lang::Ru, "2026-12-12T16:15:00+05:00", "Asia/Yekaterinburg"),
            "суббота, 12 декабря 2026, 16:15 (по времени Екатеринбурга)"
        );
        assert_eq!(
            when_in_words(Lang::En, "2026-12-12T16:15:00+05:00", "Asia/Yekaterinburg"),
            "Saturday, 12 December 2026, 16:15 (Yekaterinburg time)"
        );
    }
}
