//! The visitor's cancel link from the booking's success screen:
//! `GET /cancel/{site}/{id}?t=HASH` shows the booking and a button; `POST` cancels it in
//! YCLIENTS (`DELETE /user/records/{id}/{hash}`). The record hash is the capability: only the
//! visitor who booked has it. Inside the salon's window the page also moves the visit
//! ([`move_visit`]).

mod calendar;
mod code;
pub mod move_visit;
mod page;
mod view;

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use jiff::Timestamp;
use protocol::booking::BookingResult;
use serde::Deserialize;

use self::page::{Body, Moving, page};
use crate::{app::AppState, error::Lang, util::clock::now_ms};

#[derive(Deserialize)]
pub struct Token {
    #[serde(default)]
    t: String,
}

#[derive(Clone)]
pub struct Found {
    company_id: u64,
    result: Option<BookingResult>,
    records: Vec<(u64, String)>,
    cancelled: bool,
    /// The phone the booking was made with (the move's SMS code goes there).
    phone: String,
}

/// The booking if `token` is one of its record hashes (compared in constant time).
pub(super) async fn find(app: &AppState, site: &str, id: &str, token: &str) -> Option<Found> {
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
    let mut result: Option<BookingResult> = view
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok());
    // Moved since (here or at the salon, told by a webhook): the visit's time as last known.
    if let (Some(r), Some(at)) = (result.as_mut(), view.visit_at.filter(|v| v.len() >= 16)) {
        r.datetime = at;
    }
    ok.then(|| Found {
        company_id: u64::try_from(view.company_id).unwrap_or(0),
        result,
        records,
        cancelled: view.cancelled,
        phone: view.phone,
    })
}

pub(super) fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub(super) fn t(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::En { en } else { ru }
}

pub(super) const WEEKDAYS: [(&str, &str); 7] = [
    ("понедельник", "Monday"),
    ("вторник", "Tuesday"),
    ("среда", "Wednesday"),
    ("четверг", "Thursday"),
    ("пятница", "Friday"),
    ("суббота", "Saturday"),
    ("воскресенье", "Sunday"),
];
pub(super) const MONTHS: [(&str, &str); 12] = [
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
pub(super) fn when_in_words(lang: Lang, datetime: &str, timezone: &str) -> String {
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

/// "To move the visit, call the salon: +7 …" (outside the salon's window for moving online),
/// with the branch's phone when the catalog knows it.
pub(super) async fn call_to_move(
    app: &AppState,
    site: &str,
    lang: Lang,
    found: &Found,
) -> Option<String> {
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

/// A form posted from zapis' own pages (or with no `Origin`, as a browser may send a same-origin
/// form): another site's page cannot cancel or move a visit for the visitor.
pub(super) fn same_origin(app: &AppState, headers: &HeaderMap) -> bool {
    crate::dashboard::login::same_origin(headers, app.auth.form_origin.as_deref())
}

pub(super) fn cross_site(lang: Lang) -> Response {
    page(
        lang,
        StatusCode::FORBIDDEN,
        t(lang, "Запрос отклонён", "Request refused"),
        None,
        Body::Message(t(
            lang,
            "Откройте ссылку на запись ещё раз и повторите.",
            "Please open the link to your booking again and retry.",
        )),
    )
}

pub(super) fn not_found(lang: Lang) -> Response {
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
    let moving = match move_visit::window(&app, &site, &found, Timestamp::now()).await {
        Some(w) if w.rule.allowed => Moving::Online {
            rule: move_visit::rule_in_words(lang, w.rule.hours_before),
            href: format!("/cancel/{site}/{id}/move?t={}", q.t),
            label: t(lang, "Перенести", "Move"),
        },
        _ => Moving::Call(call_to_move(&app, &site, lang, &found).await),
    };
    page(
        lang,
        StatusCode::OK,
        t(lang, "Ваша запись", "Your booking"),
        Some(&found),
        Body::Form {
            token: &q.t,
            button: t(lang, "Отменить запись", "Cancel the booking"),
            moving,
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
    if !same_origin(&app, &headers) {
        return cross_site(lang);
    }
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
