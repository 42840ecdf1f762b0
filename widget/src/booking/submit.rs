//! Sending the booking (or asking for the SMS code first) through one Leptos `Action` — with
//! every error turned into a way forward (DESIGN §7): a taken slot goes back to fresh times, a
//! network or upstream failure keeps the form and offers a retry of the same attempt (same
//! `Idempotency-Key`), a field the server rejects gets its message beside it.

use leptos::prelude::*;
use protocol::{
    booking::{BookingRequest, CodeRequest, codes},
    catalog::Times,
};

use super::{
    flow::{go, times_key},
    state::{Attempt, Ctx, Step},
};
use crate::{
    api::{ApiError, new_attempt_key},
    embed,
    i18n::Lang,
    wire,
};

/// The action every submission goes through; its `pending()` is "busy".
pub fn action() -> Action<(Ctx, Attempt), ()> {
    Action::new_local(|(ctx, attempt): &(Ctx, Attempt)| run(*ctx, attempt.clone()))
}

/// The booking as the server wants it, from the draft.
fn request(ctx: Ctx) -> Option<BookingRequest> {
    let d = ctx.draft;
    let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let sms = ctx.branch().is_some_and(|b| b.phone_confirmation);
    let attribution = ctx.opts.with_value(|o| o.ctx.clone());
    Some(BookingRequest {
        branch: d.branch.get_untracked()?,
        services: d.services.get_untracked(),
        staff: d.staff.get_untracked().unwrap_or(0),
        datetime: d.slot.get_untracked()?.datetime,
        name: d.name.get_untracked().trim().to_owned(),
        phone: d.phone.get_untracked(),
        email: some(d.email.get_untracked()),
        comment: some(d.comment.get_untracked()),
        consent: d.consent.get_untracked(),
        code: if sms {
            some(d.code.get_untracked())
        } else {
            None
        },
        website: some(d.website.get_untracked()),
        attribution,
    })
}

/// Sends `attempt` unless a submission is already under way; earlier errors go.
fn begin(ctx: Ctx, attempt: Attempt) {
    let s = ctx.submit;
    if s.pending.get_untracked() {
        return;
    }
    s.error.set(None);
    s.field_error.set(None);
    s.action.dispatch_local((ctx, attempt));
}

/// Whether the widget was unmounted while a request was out.
fn gone(ctx: Ctx) -> bool {
    ctx.step.try_get_untracked().is_none()
}

/// The contact form is valid: ask for an SMS code first when the branch wants one, else book.
pub fn submit_contact(ctx: Ctx) {
    if untrack(|| ctx.branch()).is_some_and(|b| b.phone_confirmation) {
        request_code(ctx);
    } else {
        book(ctx);
    }
}

fn code_attempt(ctx: Ctx) -> Option<Attempt> {
    let branch = ctx.draft.branch.get_untracked()?;
    let phone = ctx.draft.phone.get_untracked();
    Some(Attempt::Code(branch, CodeRequest { phone }))
}

/// Asks for an SMS code (again); shows the code step once it is sent.
pub fn request_code(ctx: Ctx) {
    if let Some(attempt) = code_attempt(ctx) {
        begin(ctx, attempt);
    }
}

/// Sends the booking. A retry of the same attempt reuses its `Idempotency-Key`.
pub fn book(ctx: Ctx) {
    let Some(req) = untrack(|| request(ctx)) else {
        return;
    };
    let key = ctx
        .submit
        .key
        .get_untracked()
        .unwrap_or_else(new_attempt_key);
    ctx.submit.key.set(Some(key.clone()));
    begin(ctx, Attempt::Book(key, Box::new(req)));
}

/// The action's body: send, then move on — nothing if the widget was closed meanwhile.
async fn run(ctx: Ctx, attempt: Attempt) {
    let (api, lang) = (ctx.api(), ctx.lang.get_untracked());
    match attempt {
        Attempt::Code(branch, req) => {
            let result = api.send_code(lang, branch, &req).await;
            if gone(ctx) {
                return;
            }
            match result {
                Ok(()) => {
                    ctx.submit.sent.update(|n| *n += 1);
                    if ctx.step.get_untracked() != Step::Code {
                        go(ctx, Step::Code);
                    }
                }
                Err(e) => fail(ctx, e),
            }
        }
        Attempt::Book(key, req) => {
            let result = api.book(lang, &key, &req).await;
            if gone(ctx) {
                return;
            }
            match result {
                Ok(done) => {
                    ctx.submit.key.set(None);
                    let detail = wire::booking_result_js(&done);
                    ctx.submit.result.set(Some(done));
                    ctx.dates.invalidate();
                    ctx.times.invalidate();
                    go(ctx, Step::Done);
                    embed::dispatch("booked", &detail);
                    if let Some(site) = ctx.site.ready() {
                        crate::goals::fire(&site.goals, &detail);
                    }
                }
                Err(e) => fail(ctx, e),
            }
        }
    }
}

/// Fields whose server errors are shown beside them; others are shown above the button.
const FORM_FIELDS: [&str; 6] = ["name", "phone", "email", "comment", "consent", "code"];

/// Turns a failed submission into the way forward for the visitor.
fn fail(ctx: Ctx, err: ApiError) {
    let s = ctx.submit;
    if err.retryable() {
        // Same attempt, same key: the retry button resends it.
        s.error.set(Some(err));
        return;
    }
    s.key.set(None);
    let lang: Lang = ctx.lang.get_untracked();
    let message = err.message(lang);
    let ApiError::Server { detail, .. } = &err else {
        return;
    };
    let notice_at = |step: Step| {
        go(ctx, step);
        ctx.notice.set(Some(message.clone()));
    };
    match detail.code.as_str() {
        codes::SLOT_TAKEN => {
            ctx.draft.slot.set(None);
            ctx.dates.invalidate();
            match (detail.times.clone(), times_key(ctx)) {
                (Some(slots), Some((.., key, date))) => {
                    let timezone = untrack(|| ctx.branch())
                        .map(|b| b.timezone)
                        .unwrap_or_default();
                    ctx.times.put(
                        key,
                        Times {
                            date,
                            timezone,
                            slots,
                        },
                    );
                }
                _ => ctx.times.invalidate(),
            }
            notice_at(Step::Time);
        }
        codes::SERVICE_GONE => {
            ctx.services.invalidate();
            notice_at(Step::Services);
        }
        codes::STAFF_UNAVAILABLE => {
            ctx.staff.invalidate();
            ctx.dates.invalidate();
            notice_at(Step::Staff);
        }
        // Still inside this submission's future: send the code request straight away.
        codes::CODE_REQUIRED => {
            if let Some(attempt) = code_attempt(ctx) {
                s.action.dispatch_local((ctx, attempt));
            }
        }
        codes::WRONG_CODE => s.field_error.set(Some(("code".into(), message))),
        _ => match detail.field.as_deref().filter(|f| FORM_FIELDS.contains(f)) {
            Some(field) => {
                s.field_error.set(Some((field.to_owned(), message)));
                if field != "code" && ctx.step.get_untracked() == Step::Code {
                    ctx.step.set(Step::Contact);
                }
            }
            None => s.error.set(Some(err.clone())),
        },
    }
}
