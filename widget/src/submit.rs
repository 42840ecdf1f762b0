//! Sending the booking (or asking for the SMS code first) — with every error turned into a way
//! forward (DESIGN §7): a taken slot goes back to fresh times, a network or upstream failure
//! keeps the form and offers a retry of the same attempt (same `Idempotency-Key`), a field the
//! server rejects gets its message beside it.

use protocol::{
    booking::{BookingRequest, CodeRequest, codes},
    catalog::Times,
};

use crate::{
    api::{ApiError, Reply, new_attempt_key},
    embed,
    flow::{go, times_key},
    i18n::Lang,
    reactive::*,
    state::{Ctx, Step},
    wire,
};

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

/// Marks the submission started; `false` when one is already under way.
fn begin(ctx: Ctx) -> bool {
    let s = ctx.submit;
    if s.busy.get_untracked() {
        return false;
    }
    s.busy.set(true);
    s.error.set(None);
    s.field_error.set(None);
    true
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

/// Asks for an SMS code (again); shows the code step once it is sent.
pub fn request_code(ctx: Ctx) {
    let Some(branch) = ctx.draft.branch.get_untracked() else {
        return;
    };
    if !begin(ctx) {
        return;
    }
    let req = CodeRequest {
        phone: ctx.draft.phone.get_untracked(),
    };
    let fut = ctx.api().send_code(ctx.lang.get_untracked(), branch, &req);
    settle(ctx, fut, move |()| {
        ctx.submit.sent.update(|n| *n += 1);
        if ctx.step.get_untracked() != Step::Code {
            go(ctx, Step::Code);
        }
    });
}

/// Waits for a submission's answer: `done` with a success, [`fail`] with an error; nothing if
/// the widget was closed meanwhile.
fn settle<T: 'static>(ctx: Ctx, reply: Reply<T>, done: impl FnOnce(T) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        let result = reply.await;
        if gone(ctx) {
            return;
        }
        ctx.submit.busy.set(false);
        match result {
            Ok(v) => done(v),
            Err(e) => fail(ctx, e),
        }
    });
}

/// Sends the booking. A retry of the same attempt reuses its `Idempotency-Key`.
pub fn book(ctx: Ctx) {
    let Some(req) = untrack(|| request(ctx)) else {
        return;
    };
    if !begin(ctx) {
        return;
    }
    let key = ctx
        .submit
        .key
        .get_untracked()
        .unwrap_or_else(new_attempt_key);
    ctx.submit.key.set(Some(key.clone()));
    let fut = ctx.api().book(ctx.lang.get_untracked(), &key, &req);
    settle(ctx, fut, move |done| {
        ctx.submit.key.set(None);
        let detail = wire::booking_result_js(&done);
        ctx.submit.result.set(Some(done));
        ctx.dates.invalidate();
        ctx.times.invalidate();
        go(ctx, Step::Done);
        embed::dispatch("booked", &detail);
    });
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
        codes::CODE_REQUIRED => request_code(ctx),
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
