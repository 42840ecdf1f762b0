//! Sending the sign-up (or asking for the SMS code first) through one Leptos `Action`, every
//! error turned into a way forward as in the booking flow: no seats left (or the event gone) →
//! back to the week's schedule, fresh, with the server's message (it names the next event); a
//! network or upstream failure keeps the form and offers
//! a retry of the same attempt (same `Idempotency-Key`); a field the server rejects gets its
//! message beside it.

use leptos::prelude::*;
use protocol::{
    booking::{CodeRequest, codes},
    events::SignupRequest,
};

use super::{
    flow::{go, load_schedule},
    state::{Attempt, Ctx, Step},
    wire,
};
use crate::{
    api::{ApiError, new_attempt_key},
    embed,
};

pub fn action() -> Action<(Ctx, Attempt), ()> {
    Action::new_local(|(ctx, attempt): &(Ctx, Attempt)| run(*ctx, attempt.clone()))
}

/// The sign-up as the server wants it, from the draft.
fn request(ctx: Ctx) -> Option<SignupRequest> {
    let d = ctx.draft;
    let some = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let (sms, ..) = ctx.asks();
    Some(SignupRequest {
        branch: d.branch.get_untracked()?,
        event: d.event.with_untracked(|e| e.as_ref().map(|e| e.id))?,
        seats: u64::from(d.seats.get_untracked()),
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
        attribution: ctx.opts.with_value(|o| o.ctx.clone()),
    })
}

fn begin(ctx: Ctx, attempt: Attempt) {
    let s = ctx.submit;
    if s.pending.get_untracked() {
        return;
    }
    s.error.set(None);
    s.field_error.set(None);
    s.action.dispatch_local((ctx, attempt));
}

/// Whether the schedule was unmounted while a request was out.
fn gone(ctx: Ctx) -> bool {
    ctx.step.try_get_untracked().is_none()
}

/// The contact form is valid: an SMS code first when the branch wants one, else sign up.
pub fn submit_contact(ctx: Ctx) {
    if untrack(|| ctx.asks()).0 {
        request_code(ctx);
    } else {
        sign_up(ctx);
    }
}

fn code_attempt(ctx: Ctx) -> Option<Attempt> {
    let branch = ctx.draft.branch.get_untracked()?;
    let phone = ctx.draft.phone.get_untracked();
    Some(Attempt::Code(branch, CodeRequest { phone }))
}

pub fn request_code(ctx: Ctx) {
    if let Some(attempt) = code_attempt(ctx) {
        begin(ctx, attempt);
    }
}

/// Sends the sign-up. A retry of the same attempt reuses its `Idempotency-Key`.
pub fn sign_up(ctx: Ctx) {
    let Some(req) = untrack(|| request(ctx)) else {
        return;
    };
    let key = ctx
        .submit
        .key
        .get_untracked()
        .unwrap_or_else(new_attempt_key);
    ctx.submit.key.set(Some(key.clone()));
    begin(ctx, Attempt::SignUp(key, Box::new(req)));
}

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
        Attempt::SignUp(key, req) => {
            let result = api.sign_up(lang, &key, &req).await;
            if gone(ctx) {
                return;
            }
            match result {
                Ok(done) => {
                    ctx.submit.key.set(None);
                    let detail = wire::signup_js(&done);
                    ctx.submit.result.set(Some(done));
                    // The seats changed: the schedule is asked afresh when shown again.
                    ctx.schedule.invalidate();
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

const FORM_FIELDS: [&str; 6] = ["name", "phone", "email", "comment", "consent", "code"];

fn fail(ctx: Ctx, err: ApiError) {
    let s = ctx.submit;
    if err.retryable() {
        s.error.set(Some(err));
        return;
    }
    s.key.set(None);
    let message = err.message(ctx.lang.get_untracked());
    let ApiError::Server { detail, .. } = &err else {
        return;
    };
    let notice_at = |step: Step| {
        go(ctx, step);
        ctx.notice.set(Some(message.clone()));
    };
    match detail.code.as_str() {
        // The seats left changed under the visitor: the week afresh, with the server's word.
        codes::EVENT_FULL | codes::EVENT_GONE | codes::SLOT_TAKEN | codes::TOO_MANY_SEATS => {
            ctx.draft.event.set(None);
            load_schedule(ctx, true);
            notice_at(Step::Schedule);
        }
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
