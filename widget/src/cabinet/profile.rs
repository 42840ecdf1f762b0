//! The profile: name, email and phone. A new phone is saved only with the SMS code sent to it.
//! Below it, the ways to sign in and leaving (`methods.rs`).

use std::sync::Arc;

use leptos::prelude::*;
use protocol::cabinet::{Me, ProfileUpdate};

use super::{
    app::{Section, action_error},
    fields::{code_spec, email_check, email_spec, nothing, phone_check, phone_spec, required},
    methods::Methods,
    sign_in::{countdown, resend_label, send_code},
    state::Ctx,
};
use crate::{
    booking::steps::contact::phone_mask,
    ui::{field::Field, loaded},
    validate::{email_error, phone_error},
};

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

fn form(ctx: Ctx, me: Me) -> impl IntoView {
    let name = RwSignal::new(me.name.clone());
    let email = RwSignal::new(me.email.clone().unwrap_or_default());
    let phone = RwSignal::new(phone_mask("", &me.phone, false));
    let code = RwSignal::new(String::new());
    let (tried, sent) = (RwSignal::new(false), RwSignal::new(false));
    let left = countdown();
    let old = digits(&me.phone);
    let changed = Memo::new(move |_| phone.with(|p| digits(p) != old));
    let email_err = email_check(ctx, tried, email, false);
    let phone_err = phone_check(ctx, tried, phone);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let t = ctx.lang.get_untracked().t();
        let (n, e, p, c) = (
            name.get_untracked(),
            email.get_untracked(),
            phone.get_untracked(),
            code.get_untracked(),
        );
        if n.trim().is_empty()
            || email_error(t, &e, false).is_some()
            || phone_error(t, &p).is_some()
        {
            return;
        }
        let new_phone = changed.get_untracked();
        if new_phone && !sent.get_untracked() {
            send_code(ctx, p, left, sent);
            tried.set(false);
            return;
        }
        if new_phone && c.trim().is_empty() {
            return;
        }
        let req = ProfileUpdate {
            name: n.trim().to_owned(),
            email: Some(e.trim().to_owned()).filter(|e| !e.is_empty()),
            phone: new_phone.then_some(p),
            code: new_phone.then(|| c.trim().to_owned()),
        };
        let reply = ctx
            .api()
            .update_me(ctx.lang.get_untracked(), &ctx.s(), &req);
        ctx.run(reply, move |me| {
            sent.set(false);
            code.set(String::new());
            ctx.me.put(ctx.s(), me);
            ctx.say(ctx.t().saved.to_owned());
        });
    };
    let phone_spec = phone_spec();
    let email_spec = email_spec("email", "email");
    let code_part = move || {
        (changed.get() && sent.get()).then(|| {
            let spec = code_spec();
            let resend = resend_label(ctx, left);
            view! {
                <Field spec label=Arc::new(move || ctx.t().phone_code.to_owned()) value=code
                    error=required(ctx, tried, code, |l| l.t().err_code) left=nothing() edited=nothing()/>
                <button type="button" class="zw-link zc-plain" data-testid="resend"
                    disabled=move || left.get() > 0
                    on:click=move |_| send_code(ctx, phone.get_untracked(), left, sent)>
                    {resend}
                </button>
            }
        })
    };
    view! {
        <form class="zw-form" novalidate="" on:submit=on_submit data-testid="profile-form">
            <Field spec=crate::ui::field::Spec::text("name", "name") label=Arc::new(move || ctx.lang.get().t().name.to_owned())
                value=name error=required(ctx, tried, name, |l| l.t().err_name) left=nothing() edited=nothing()/>
            <Field spec=email_spec label=Arc::new(move || ctx.lang.get().t().email.to_owned())
                value=email error=email_err left=nothing() edited=nothing()/>
            <Field spec=phone_spec label=Arc::new(move || ctx.lang.get().t().phone.to_owned())
                value=phone error=phone_err left=nothing() edited=Arc::new(move || sent.set(false))/>
            {code_part}
            <div>{action_error(ctx)}</div>
            <div class="zc-actions">
                <button type="submit" class="zw-btn" data-testid="save" disabled=move || ctx.busy.get()>
                    {move || if changed.get() && !sent.get() { ctx.ln().t().get_code } else { ctx.tn().save }}
                </button>
            </div>
        </form>
    }
}

#[component]
pub fn ProfileScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    ctx.load_me(false);
    view! {
        <Section name="profile" title=|t| t.profile>
            {loaded(ctx.me, move || ctx.load_me(true), move |me: Me| view! {
                {form(ctx, me.clone())}
                <Methods me/>
            }.into_any())}
        </Section>
    }
}
