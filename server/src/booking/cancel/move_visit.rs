//! Moving the visit from the cancel link, the documented client way: the record's hash only
//! reads and cancels a record in YCLIENTS, a move needs the client's own token. So the visitor
//! picks a day and a time of the same master for the same services (the widget's cached free
//! times), YCLIENTS texts a code to the booking's phone, and with it `user/auth` gives a user
//! token for this one request only (never stored, logged or sent to the browser), with which
//! `PUT /book_record/{branch}/{record}` moves the record. Offered inside the salon's window
//! only (`allow_change_record`, `…_delay_step`: the cabinet's [`rule`]).

use axum::{
    Form,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use jiff::{Timestamp, civil::Date, tz::TimeZone};
use protocol::{cabinet::Rule, catalog::Branch};
use serde::Deserialize;
use yclients::model::UserRecord;

use super::page::{Body, page};
use super::view::{Code, Step, Words, render};
use super::{Found, calendar, call_to_move, find, not_found, t, when_in_words};
use crate::booking::phone::PhoneNumber;
use crate::cabinet::visits::{Change, rule};
use crate::{app::AppState, error::Lang, net::ClientAddr};

/// The record's move window as YCLIENTS tells it with the record.
pub struct Window {
    pub rule: Rule,
    record: UserRecord,
    pub branch: Branch,
    pub start: Timestamp,
}

impl Window {
    pub fn tz(&self) -> TimeZone {
        crate::events::schedule::zone(&self.branch)
    }
    pub fn record_id(&self) -> u64 {
        self.record.record.id
    }
    fn services(&self) -> Vec<u64> {
        self.record.record.services.iter().map(|s| s.id).collect()
    }
}

/// The booking's record with its branch's rule for a move; `None` when it cannot be moved
/// online at all (several records, YCLIENTS or the branch unknown).
pub async fn window(app: &AppState, site: &str, found: &Found, now: Timestamp) -> Option<Window> {
    let [(record_id, hash)] = found.records.as_slice() else {
        return None;
    };
    let up = app.upstreams.get(site).ok()?;
    let wait = std::time::Duration::from_secs(3);
    let branch = tokio::time::timeout(wait, app.catalog.branch(&up, found.company_id))
        .await
        .ok()?
        .ok()??;
    let record = tokio::time::timeout(wait, up.client.visitor_record(*record_id, hash))
        .await
        .ok()?
        .ok()??;
    let start = record.record.starts_at()?;
    let tz = crate::events::schedule::zone(&branch);
    Some(Window {
        rule: rule(&record, Change::Reschedule, start, now, &tz),
        record,
        branch,
        start,
    })
}

/// "Перенести можно не позднее чем за 2 ч до визита." / "You can move it up to 2 h before the
/// visit."
pub fn rule_in_words(lang: Lang, hours: u32) -> String {
    match (lang, hours) {
        (Lang::Ru, 0) => "Перенести можно до начала визита.".into(),
        (Lang::En, 0) => "You can move it until the visit starts.".into(),
        (Lang::Ru, n) => format!("Перенести можно не позднее чем за {n} ч до визита."),
        (Lang::En, n) => format!("You can move it up to {n} h before the visit."),
    }
}

/// "+7 916 ***-**-34": enough for the visitor to know which phone, not enough for anyone else.
pub fn masked(digits: &str) -> String {
    let n = digits.len();
    if n == 11 && digits.starts_with('7') {
        return format!("+7 {} ***-**-{}", &digits[1..4], &digits[9..]);
    }
    if n < 6 {
        return "***".into();
    }
    format!("+{} *** {}", &digits[..2], &digits[n - 2..])
}

#[derive(Deserialize)]
pub struct MoveQuery {
    #[serde(default)]
    t: String,
    month: Option<String>,
    date: Option<String>,
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    t: String,
    #[serde(default)]
    datetime: String,
    #[serde(default)]
    code: String,
    /// "Send the code again".
    resend: Option<String>,
}

/// What a move request is about: the booking, its window, the visitor.
pub(super) struct Ctx<'a> {
    pub app: &'a AppState,
    pub site: &'a str,
    pub id: &'a str,
    pub token: &'a str,
    pub lang: Lang,
    pub found: Found,
    pub window: Window,
    pub addr: ClientAddr,
}

/// The booking, and its window when it is open; otherwise the answer to give.
async fn open<'a>(
    app: &'a AppState,
    (site, id, token): (&'a str, &'a str, &'a str),
    lang: Lang,
    addr: ClientAddr,
    refused: StatusCode,
) -> Result<Ctx<'a>, Response> {
    let Some(found) = find(app, site, id, token).await else {
        return Err(not_found(lang));
    };
    if found.cancelled {
        return Err(page(
            lang,
            StatusCode::CONFLICT,
            t(lang, "Запись отменена", "Booking cancelled"),
            Some(&found),
            Body::Status(t(
                lang,
                "Эта запись уже отменена.",
                "This booking is already cancelled.",
            )),
        ));
    }
    match window(app, site, &found, Timestamp::now()).await {
        Some(window) if window.rule.allowed => Ok(Ctx {
            app,
            site,
            id,
            token,
            lang,
            found,
            window,
            addr,
        }),
        _ => Err(closed(app, site, lang, &found, refused).await),
    }
}

/// Outside the salon's window: "call the salon" with its phone.
pub(super) async fn closed(
    app: &AppState,
    site: &str,
    lang: Lang,
    found: &Found,
    status: StatusCode,
) -> Response {
    let call = call_to_move(app, site, lang, found)
        .await
        .unwrap_or_else(|| {
            t(
                lang,
                "Перенести эту запись онлайн уже нельзя. Позвоните, пожалуйста, в салон.",
                "This visit can no longer be moved online. Please call the salon.",
            )
            .to_owned()
        });
    render(
        lang,
        status,
        Some(found),
        Words::new(lang, "", "", ""),
        Step::Closed(call),
    )
}

/// `GET /cancel/{site}/{id}/move?t=HASH[&month=YYYY-MM][&date=YYYY-MM-DD]`.
pub async fn show(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    Query(q): Query<MoveQuery>,
    addr: ClientAddr,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_headers(&headers);
    let ctx = match open(&app, (&site, &id, &q.t), lang, addr, StatusCode::OK).await {
        Ok(ctx) => ctx,
        Err(res) => return res,
    };
    let date = q.date.as_deref().and_then(|d| d.parse::<Date>().ok());
    let month = q
        .month
        .as_deref()
        .and_then(|m| format!("{m}-01").parse::<Date>().ok());
    days(&ctx, month, date, None, StatusCode::OK).await
}

/// The month (and the chosen day's times), with a notice when one is due.
pub(super) async fn days(
    ctx: &Ctx<'_>,
    month: Option<Date>,
    date: Option<Date>,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let (app, lang, w) = (ctx.app, ctx.lang, &ctx.window);
    let words = Words::new(lang, ctx.site, ctx.id, ctx.token);
    let Ok(up) = app.upstreams.get(ctx.site) else {
        return not_found(lang);
    };
    let staff = w.record.record.staff_id;
    let visitor = Some(ctx.addr.0);
    let mut notice = notice.map(str::to_owned);
    let free = match app
        .catalog
        .dates(&up, &w.branch, staff, w.services(), visitor)
        .await
    {
        Ok(d) => d.dates.clone(),
        Err(e) => {
            tracing::info!(booking = %ctx.id, error = ?e, "free days for a move not read");
            notice = Some(unavailable(lang).to_owned());
            Vec::new()
        }
    };
    let today = Timestamp::now().to_zoned_datetime(w.tz()).date();
    let date = date.filter(|d| free.binary_search(&d.to_string()).is_ok());
    let first = month
        .or(date)
        .or_else(|| free.first().and_then(|d| d.parse::<Date>().ok()))
        .unwrap_or(today)
        .first_of_month()
        .max(today.first_of_month());
    let mut slots = Vec::new();
    if let Some(d) = date {
        match app
            .catalog
            .times(&up, &w.branch, staff, w.services(), d, visitor)
            .await
        {
            Ok(times) => slots = times.slots.clone(),
            Err(e) => {
                tracing::info!(booking = %ctx.id, error = ?e, "free times for a move not read");
                notice = Some(unavailable(lang).to_owned());
            }
        }
    }
    let base = words.action.clone();
    let token = ctx.token;
    let month = calendar::month(lang, first, &free, date, today, |m, d| {
        let day = d.map(|d| format!("&date={d}")).unwrap_or_default();
        format!(
            "{base}?t={token}&month={:04}-{:02}{day}",
            m.year(),
            m.month()
        )
    });
    render(
        lang,
        status,
        Some(&ctx.found),
        words.with_zone(&w.branch.timezone).with_notice(notice),
        Step::Calendar {
            month: Box::new(month),
            day: date.map(|d| calendar::day_in_words(lang, d)),
            slots,
        },
    )
}

/// YCLIENTS failed the move for another reason.
pub(super) fn not_now(lang: Lang) -> &'static str {
    t(
        lang,
        "Перенести сейчас не получилось. Попробуйте ещё раз чуть позже или позвоните в салон.",
        "The visit could not be moved just now. Please try again a little later or call the salon.",
    )
}

fn unavailable(lang: Lang) -> &'static str {
    t(
        lang,
        "Свободное время сейчас не загрузилось. Попробуйте ещё раз чуть позже.",
        "Free times could not be loaded just now. Please try again a little later.",
    )
}

/// `POST /cancel/{site}/{id}/move`: a time chosen (the code is sent), the code asked again, or
/// the code given (the visit moves).
pub async fn submit(
    State(app): State<AppState>,
    Path((site, id)): Path<(String, String)>,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(f): Form<MoveForm>,
) -> Response {
    let lang = Lang::from_headers(&headers);
    if !super::same_origin(&app, &headers) {
        return super::cross_site(lang);
    }
    let ctx = match open(&app, (&site, &id, &f.t), lang, addr, StatusCode::FORBIDDEN).await {
        Ok(ctx) => ctx,
        Err(res) => return res,
    };
    let tz = ctx.window.tz();
    let Some(when) = yclients::time::parse_in_zone(&f.datetime, &tz)
        .filter(|w| *w > Timestamp::now() && *w != ctx.window.start)
    else {
        let pick = t(
            lang,
            "Выберите время из списка.",
            "Please pick one of the times.",
        );
        return days(
            &ctx,
            None,
            None,
            Some(pick),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let local = yclients::time::with_colon(&when.to_zoned_datetime(tz));
    let Ok(phone) = PhoneNumber::parse(&ctx.found.phone) else {
        return closed(&app, &site, lang, &ctx.found, StatusCode::FORBIDDEN).await;
    };
    let code = f.code.trim();
    if code.is_empty() || f.resend.is_some() {
        let (status, notice) = super::code::send(&ctx, &phone, f.resend.is_some()).await;
        return code_form(&ctx, &local, &phone, status, notice);
    }
    super::code::confirm(&ctx, &phone, code, &local, when).await
}

/// The code form for the chosen time.
pub(super) fn code_form(
    ctx: &Ctx<'_>,
    local: &str,
    phone: &PhoneNumber,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Response {
    let lang = ctx.lang;
    let tz = &ctx.window.branch.timezone;
    render(
        lang,
        status,
        Some(&ctx.found),
        Words::new(lang, ctx.site, ctx.id, ctx.token)
            .with_zone(tz)
            .with_notice(notice.map(str::to_owned)),
        Step::Code(Code {
            datetime: local.to_owned(),
            when: when_in_words(lang, local, tz),
            phone: masked(phone.as_digits()),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_is_shown_masked_with_its_last_two_digits() {
        assert_eq!(masked("79161234534"), "+7 916 ***-**-34");
        assert_eq!(masked("442079460958"), "+44 *** 58");
    }

    #[test]
    fn the_rule_is_said_in_hours_before_the_visit() {
        assert_eq!(
            rule_in_words(Lang::Ru, 2),
            "Перенести можно не позднее чем за 2 ч до визита."
        );
        assert_eq!(
            rule_in_words(Lang::En, 2),
            "You can move it up to 2 h before the visit."
        );
    }
}
