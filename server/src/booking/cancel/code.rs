//! The move's SMS code: sent to the booking's phone (`book_code`, throttled as the cabinet's
//! codes are: one a minute per phone, a few per ten minutes per phone and per address), then
//! traded for a user token (`user/auth`, guesses throttled as the cabinet's) that moves the
//! record and is dropped with the request.

use axum::{http::StatusCode, response::Response};
use jiff::{Timestamp, civil::Date};

use super::move_visit::{Ctx, closed, code_form, days};
use super::t;
use super::view::{Step, Words, render};
use crate::booking::phone::PhoneNumber;

/// Sends the code unless one went out within the minute (or too many did); the status and
/// what the code form says about it.
pub(super) async fn send(
    ctx: &Ctx<'_>,
    phone: &PhoneNumber,
    again: bool,
) -> (StatusCode, Option<&'static str>) {
    let lang = ctx.lang;
    let limits = &ctx.app.shared_limits;
    let digits = phone.as_digits();
    let wait = t(
        lang,
        "Код уже отправлен. Новый можно запросить через минуту.",
        "A code was just sent. You can ask for a new one in a minute.",
    );
    let too_many = t(
        lang,
        "Слишком много кодов. Попробуйте позже или позвоните в салон.",
        "Too many codes. Please try later or call the salon.",
    );
    match limits.cabinet_resend.allow(digits).await {
        Ok(true) => {}
        Ok(false) => return (StatusCode::TOO_MANY_REQUESTS, again.then_some(wait)),
        Err(_) => return (StatusCode::SERVICE_UNAVAILABLE, Some(too_many)),
    }
    let ip = limits.code_ip.allow(&ctx.addr.key()).await;
    let per_phone = limits.code_phone.allow(digits).await;
    if !matches!((ip, per_phone), (Ok(true), Ok(true))) {
        return (StatusCode::TOO_MANY_REQUESTS, Some(too_many));
    }
    let Ok(up) = ctx.app.upstreams.get(ctx.site) else {
        return (StatusCode::NOT_FOUND, None);
    };
    match up.client.book_code(ctx.window.branch.id, digits, "").await {
        Ok(()) => (
            StatusCode::OK,
            again.then(|| t(lang, "Новый код отправлен.", "A new code is on its way.")),
        ),
        Err(e) => {
            tracing::info!(booking = %ctx.id, error = %e, "move code not sent");
            (
                StatusCode::BAD_GATEWAY,
                Some(t(
                    lang,
                    "SMS сейчас не отправилось. Попробуйте ещё раз чуть позже.",
                    "The SMS could not be sent just now. Please try again a little later.",
                )),
            )
        }
    }
}

/// The code given: the user token from it moves the record, then the booking reads the new
/// time everywhere.
pub(super) async fn confirm(
    ctx: &Ctx<'_>,
    phone: &PhoneNumber,
    code: &str,
    local: &str,
    when: Timestamp,
) -> Response {
    let (app, lang) = (ctx.app, ctx.lang);
    let limits = &app.shared_limits;
    let ip = limits.cabinet_guess_ip.allow(&ctx.addr.key()).await;
    let per_phone = limits.cabinet_guess_id.allow(phone.as_digits()).await;
    if !matches!((ip, per_phone), (Ok(true), Ok(true))) {
        let notice = t(
            lang,
            "Слишком много попыток. Попробуйте позже.",
            "Too many attempts. Please try again later.",
        );
        return code_form(
            ctx,
            local,
            phone,
            StatusCode::TOO_MANY_REQUESTS,
            Some(notice),
        );
    }
    let wrong = t(
        lang,
        "Код не подходит. Проверьте SMS или запросите новый.",
        "That code does not match. Check the SMS or ask for a new one.",
    );
    if code.len() > 12 {
        return code_form(ctx, local, phone, StatusCode::UNAUTHORIZED, Some(wrong));
    }
    let Ok(up) = app.upstreams.get(ctx.site) else {
        return super::not_found(lang);
    };
    let user = match up.client.user_auth(phone.as_digits(), code).await {
        Ok(user) => user,
        Err(e)
            if e.booking_code() == Some(yclients::BookingCode::WrongSmsCode)
                || e.status() == Some(422) =>
        {
            return code_form(ctx, local, phone, StatusCode::UNAUTHORIZED, Some(wrong));
        }
        Err(e) => {
            tracing::info!(booking = %ctx.id, error = %e, "move sign-in failed upstream");
            let notice = t(
                lang,
                "Салон сейчас не отвечает. Попробуйте ещё раз чуть позже.",
                "The salon's system is not answering just now. Please try again a little later.",
            );
            return code_form(ctx, local, phone, StatusCode::BAD_GATEWAY, Some(notice));
        }
    };
    // The user's token lives in this client only, for this one call.
    let client = up.client.partner_only().with_user_token(user.user_token);
    let (branch, record) = (ctx.window.branch.id, ctx.window.record_id());
    let moved = match client.reschedule_record(branch, record, local).await {
        Ok(moved) => moved,
        Err(e) => return refused(ctx, e, local).await,
    };
    let tz = ctx.window.tz();
    let start = moved.record.starts_at().unwrap_or(when);
    let new_local = yclients::time::with_colon(&start.to_zoned_datetime(tz.clone()));
    let old_day = ctx.window.start.to_zoned_datetime(tz).date().to_string();
    let mut found_result = ctx.found.result.clone();
    if let Some(r) = found_result.as_mut() {
        r.datetime = new_local.clone();
        let json = serde_json::to_string(r).unwrap_or_default();
        if let Err(e) = app.store.booking_moved(ctx.id, &new_local, &json).await {
            tracing::error!(booking = %ctx.id, error = %e, "moved upstream, not yet stored");
        }
    }
    // Both days change: the old one frees a time, the new one takes one.
    crate::booking::day_changed(app, branch, Some(&old_day)).await;
    crate::booking::day_changed(app, branch, new_local.get(..10)).await;
    tracing::info!(booking = %ctx.id, "booking moved by the visitor");
    let found = super::Found {
        result: found_result,
        ..ctx.found.clone()
    };
    render(
        lang,
        StatusCode::OK,
        Some(&found),
        Words::new(lang, ctx.site, ctx.id, ctx.token).with_zone(&ctx.window.branch.timezone),
        Step::Done(super::when_in_words(
            lang,
            &new_local,
            &ctx.window.branch.timezone,
        )),
    )
}

/// YCLIENTS refused the move: a taken time shows the day's fresh times; a closed window, the
/// salon's phone.
async fn refused(ctx: &Ctx<'_>, e: yclients::Error, local: &str) -> Response {
    let lang = ctx.lang;
    tracing::info!(booking = %ctx.id, error = %e, "move refused upstream");
    let day = local.get(..10).and_then(|d| d.parse::<Date>().ok());
    match (e.booking_code(), e.status()) {
        (Some(yclients::BookingCode::SlotTaken), _) => {
            if let Some(d) = local.get(..10) {
                ctx.app.catalog.slot_taken(ctx.window.branch.id, d);
            }
            let notice = t(
                lang,
                "Это время уже заняли. Выберите другое.",
                "That time was just taken. Please pick another.",
            );
            days(ctx, None, day, Some(notice), StatusCode::CONFLICT).await
        }
        (None, Some(422 | 403)) => {
            closed(ctx.app, ctx.site, lang, &ctx.found, StatusCode::FORBIDDEN).await
        }
        _ => {
            days(
                ctx,
                None,
                day,
                Some(super::move_visit::not_now(lang)),
                StatusCode::BAD_GATEWAY,
            )
            .await
        }
    }
}
