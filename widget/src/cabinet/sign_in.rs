//! Signing in: by phone (a code by SMS, a resend after the server's cooldown; a phone never seen
//! asks the name, since every registration field is required) or by email and password (the
//! layout and Caps Lock hints), then, when the account asks for it, the SMS second step.

use std::{sync::Arc, time::Duration};

use leptos::{either::Either, prelude::*};
use protocol::cabinet::{CodeRequest, SignIn};

use super::{
    app::{Section, action_error},
    fields::{
        code_spec, email_check, email_spec, label, nothing, phone_check, phone_spec, required,
    },
    password::PasswordField,
    state::{Ctx, Screen},
};
use crate::{
    api::ApiError,
    ui::field::{Field, Spec},
    validate::{email_error, phone_error},
};

/// `0:59`.
fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// "Send again" once the countdown is over, "Send again in 0:42" before.
pub fn resend_label(ctx: Ctx, left: RwSignal<u32>) -> impl Fn() -> String + Copy + Send + Sync {
    move || match left.get() {
        0 => ctx.lang.get().t().resend.to_owned(),
        s => format!("{}{}", ctx.lang.get().t().resend_in, clock(s)),
    }
}

/// A seconds countdown that ticks while the screen is shown.
pub fn countdown() -> RwSignal<u32> {
    let left = RwSignal::new(0u32);
    if let Ok(timer) = set_interval_with_handle(
        move || left.update(|s| *s = s.saturating_sub(1)),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || timer.clear());
    }
    left
}

/// Sends an SMS code to `phone`; the countdown starts from the server's cooldown.
pub fn send_code(ctx: Ctx, phone: String, left: RwSignal<u32>, sent: RwSignal<bool>) {
    let reply = ctx.api().send_code(
        ctx.lang.get_untracked(),
        &CodeRequest {
            phone,
            branch: None,
        },
    );
    ctx.run(reply, move |s| {
        left.set(s.resend_after);
        sent.set(true);
    });
}

#[component]
pub fn SignInScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let by_email = RwSignal::new(false);
    let mode = move |email: bool,
                     id: &'static str,
                     text: fn(&'static super::texts::Texts) -> &'static str| {
        view! {
            <button type="button" class="zc-mode" data-testid=id
                aria-pressed=move || (by_email.get() == email).to_string()
                on:click=move |_| { ctx.error.set(None); by_email.set(email) }>
                {text(ctx.tn())}
            </button>
        }
    };
    view! {
        <Section name="sign-in" title=|t| t.sign_in>
            <div class="zc-modes" role="group">
                {mode(false, "by-phone", |t| t.by_phone)}
                {mode(true, "by-email", |t| t.by_email)}
            </div>
            {move || if by_email.get() { Either::Left(email_form(ctx)) } else { Either::Right(phone_form(ctx)) }}
        </Section>
    }
}

fn phone_form(ctx: Ctx) -> impl IntoView {
    let (phone, code, name) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (sent, need_name, tried) = (
        RwSignal::new(false),
        RwSignal::new(false),
        RwSignal::new(false),
    );
    let left = countdown();
    let phone_err = phone_check(ctx, tried, phone);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let p = phone.get_untracked();
        if phone_error(ctx.lang.get_untracked().t(), &p).is_some() {
            return;
        }
        if !sent.get_untracked() {
            send_code(ctx, p, left, sent);
            tried.set(false);
            return;
        }
        let (c, n) = (code.get_untracked(), name.get_untracked());
        if c.trim().is_empty() || (need_name.get_untracked() && n.trim().is_empty()) {
            return;
        }
        let req = SignIn::Sms {
            phone: p,
            code: c.trim().to_owned(),
            name: need_name.get_untracked().then(|| n.trim().to_owned()),
        };
        let reply = ctx.api().sign_in(ctx.lang.get_untracked(), &req);
        // A phone never seen: the server asks for the name (an error about the field `name`).
        let reply: crate::api::Reply<_> = Box::pin(async move {
            let out = reply.await;
            if let Err(ApiError::Server { detail, .. }) = &out
                && detail.field.as_deref() == Some("name")
                && !need_name.get_untracked()
            {
                need_name.set(true);
                tried.set(false);
                return Err(ApiError::server(422, "name_required", ""));
            }
            out
        });
        ctx.run(reply, move |signed| ctx.signed_in(signed.session));
    };
    let phone_spec = phone_spec();
    let code_spec = code_spec();
    let code_part = move || {
        sent.get().then(|| {
            let name_part = move || {
                need_name.get().then(|| {
                    view! {
                        <p class="zc-hint" data-testid="new-here">{ctx.tn().new_here}</p>
                        <Field spec=Spec::text("name", "name") label=Arc::new(move || ctx.lang.get().t().name.to_owned())
                            value=name error=required(ctx, tried, name, |l| l.t().err_name) left=nothing() edited=nothing()/>
                    }
                })
            };
            view! {
                <p class="zw-sub">{ctx.tn().code_sent}<b dir="ltr">{move || phone.get()}</b></p>
                <Field spec=code_spec label=Arc::new(move || ctx.lang.get().t().code_label.to_owned())
                    value=code error=required(ctx, tried, code, |l| l.t().err_code) left=nothing() edited=nothing()/>
                {name_part}
            }
        })
    };
    let banner = move || {
        ctx.error
            .get()
            .filter(|e| e.code() != "name_required")
            .map(|error| view! { <crate::ui::error_banner::ErrorBanner error/> })
    };
    let resend = move || {
        sent.get().then(|| {
            let text = resend_label(ctx, left);
            view! {
                <button type="button" class="zw-btn zw-ghost zw-wide" data-testid="resend"
                    disabled=move || left.get() > 0 || ctx.busy.get()
                    on:click=move |_| send_code(ctx, phone.get_untracked(), left, sent)>
                    {text}
                </button>
                <button type="button" class="zw-link zc-plain" data-testid="other-phone"
                    on:click=move |_| { sent.set(false); need_name.set(false); code.set(String::new()) }>
                    {ctx.tn().other_phone}
                </button>
            }
        })
    };
    view! {
        <form class="zw-form" novalidate="" on:submit=on_submit>
            <Field spec=phone_spec label=Arc::new(move || ctx.lang.get().t().phone.to_owned())
                value=phone error=phone_err left=nothing() edited=Arc::new(move || sent.set(false))/>
            {code_part}
            <div>{banner}</div>
            <div class="zw-foot zc-foot">
                <button type="submit" class="zw-btn zw-wide" data-testid="submit" disabled=move || ctx.busy.get()>
                    {move || if sent.get() { ctx.t().enter } else { ctx.t().get_code }}
                </button>
            </div>
            {resend}
        </form>
    }
}

fn email_form(ctx: Ctx) -> impl IntoView {
    let (email, password, tried) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let email_err = email_check(ctx, tried, email, true);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let (e, p) = (email.get_untracked(), password.get_untracked());
        if email_error(ctx.lang.get_untracked().t(), &e, true).is_some() || p.is_empty() {
            return;
        }
        // The password goes as typed: any characters, spaces included.
        let reply = ctx.api().sign_in(
            ctx.lang.get_untracked(),
            &SignIn::Password {
                email: e.trim().to_owned(),
                password: p,
            },
        );
        ctx.run(reply, move |signed| {
            if signed.second_step.is_some() {
                ctx.pending.set(Some(signed));
                ctx.go(Screen::SecondStep);
            } else {
                ctx.signed_in(signed.session);
            }
        });
    };
    let spec = email_spec("email", "username");
    view! {
        <form class="zw-form" novalidate="" on:submit=on_submit>
            <Field spec label=Arc::new(move || ctx.lang.get().t().email.to_owned())
                value=email error=email_err left=nothing() edited=nothing()/>
            <PasswordField name="password" autocomplete="current-password" label=label(ctx, |t| t.password)
                value=password error=required(ctx, tried, password, |l| super::texts::Texts::of(l).err_password)/>
            <div>{action_error(ctx)}</div>
            <div class="zw-foot zc-foot">
                <button type="submit" class="zw-btn zw-wide" data-testid="submit" disabled=move || ctx.busy.get()>
                    {ctx.tn().enter}
                </button>
            </div>
        </form>
    }
}

/// The SMS code of a password sign-in's second step.
#[component]
pub fn SecondStepScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let (code, tried) = (RwSignal::new(String::new()), RwSignal::new(false));
    let masked = ctx
        .pending
        .get_untracked()
        .and_then(|p| p.second_step)
        .unwrap_or_default();
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let c = code.get_untracked();
        let Some(pending) = ctx.pending.get_untracked() else {
            ctx.go(Screen::SignIn);
            return;
        };
        if c.trim().is_empty() {
            return;
        }
        let session = pending.session.clone();
        let reply = ctx
            .api()
            .second_step(ctx.lang.get_untracked(), &pending.session, c.trim());
        ctx.run(reply, move |()| ctx.signed_in(session));
    };
    let spec = code_spec();
    view! {
        <Section name="second-step" title=|t| t.second_title>
            <p class="zw-sub">{ctx.tn().second_sent}<b dir="ltr">{masked}</b></p>
            <form class="zw-form" novalidate="" on:submit=on_submit>
                <Field spec label=Arc::new(move || ctx.lang.get().t().code_label.to_owned())
                    value=code error=required(ctx, tried, code, |l| l.t().err_code) left=nothing() edited=nothing()/>
                <div>{action_error(ctx)}</div>
                <div class="zw-foot zc-foot">
                    <button type="submit" class="zw-btn zw-wide" data-testid="submit" disabled=move || ctx.busy.get()>
                        {ctx.ln().t().confirm}
                    </button>
                </div>
            </form>
        </Section>
    }
}
