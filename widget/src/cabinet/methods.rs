//! The ways to sign in (phone, email), setting or changing the password with the SMS second
//! step on or off, signing out here or everywhere, and deleting the account: a confirmation that
//! says what goes and what stays, then what remains as the server words it.

use std::sync::Arc;

use leptos::prelude::*;
use protocol::cabinet::{IdentityKind, Me, PasswordUpdate};

use super::{
    app::{Section, action_error},
    fields::{email_check, email_spec, label, nothing, required},
    password::PasswordField,
    state::{Ctx, Screen},
    texts::Texts,
};
use crate::{ui::field::Field, validate::email_error};

#[component]
pub fn Methods(me: Me) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let has_email = me.identities.iter().any(|i| i.kind == IdentityKind::Email);
    let identities = me
        .identities
        .iter()
        .map(|i| {
            let (kind, value) = (i.kind, i.value.clone());
            view! {
                <li data-testid="identity">
                    {if kind == IdentityKind::Email { ctx.tn().method_email } else { ctx.tn().method_phone }}
                    ": "<b dir="ltr">{value}</b>
                </li>
            }
        })
        .collect_view();
    let email = RwSignal::new(me.email.clone().unwrap_or_default());
    let (old, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let second = RwSignal::new(me.second_step);
    let tried = RwSignal::new(false);
    let email_err = email_check(ctx, tried, email, true);
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        tried.set(true);
        let (e, o, n) = (
            email.get_untracked(),
            old.get_untracked(),
            new.get_untracked(),
        );
        if email_error(ctx.lang.get_untracked().t(), &e, true).is_some()
            || n.is_empty()
            || (has_email && o.is_empty())
        {
            return;
        }
        let req = PasswordUpdate {
            email: e.trim().to_owned(),
            old_password: has_email.then_some(o),
            new_password: n,
            second_step: second.get_untracked(),
        };
        let reply = ctx
            .api()
            .set_password(ctx.lang.get_untracked(), &ctx.s(), &req);
        ctx.run(reply, move |()| {
            ctx.load_me(true);
            ctx.say(ctx.t().password_saved.to_owned());
        });
    };
    let sign_out = move |everywhere: bool| {
        let reply = ctx
            .api()
            .sign_out(ctx.lang.get_untracked(), &ctx.s(), everywhere);
        ctx.run(reply, move |()| {
            ctx.signed_out(Some(ctx.t().signed_out), Screen::SignIn)
        });
    };
    let old_field = has_email.then(|| {
        view! {
            <PasswordField name="old-password" autocomplete="current-password" label=label(ctx, |t| t.old_password)
                value=old error=required(ctx, tried, old, |l| Texts::of(l).err_password)/>
        }
    });
    let spec = email_spec("login-email", "username");
    view! {
        <h4>{ctx.tn().methods}</h4>
        <ul class="zc-lines">{identities}</ul>
        <form class="zw-form" novalidate="" on:submit=on_submit data-testid="password-form">
            <Field spec label=Arc::new(move || ctx.lang.get().t().email.to_owned()) value=email error=email_err
                left=nothing() edited=nothing()/>
            {old_field}
            <PasswordField name="new-password" autocomplete="new-password" label=label(ctx, |t| t.new_password)
                value=new error=required(ctx, tried, new, |l| Texts::of(l).err_password)/>
            <div class="zw-check zc-check">
                <input type="checkbox" id="zc-second" data-testid="second-step" prop:checked=move || second.get()
                    on:change=move |_| second.update(|v| *v = !*v)/>
                <label for="zc-second">{ctx.tn().second_step}</label>
            </div>
            <div class="zc-actions">
                <button type="submit" class="zw-btn zw-ghost" data-testid="set-password" disabled=move || ctx.busy.get()>
                    {ctx.tn().set_password}
                </button>
            </div>
        </form>
        <div>{action_error(ctx)}</div>
        <div class="zc-actions zc-leave">
            <button type="button" class="zw-btn zw-ghost" data-testid="sign-out" on:click=move |_| sign_out(false)>
                {ctx.tn().sign_out}
            </button>
            <button type="button" class="zw-btn zw-ghost" data-testid="sign-out-all" on:click=move |_| sign_out(true)>
                {ctx.tn().sign_out_all}
            </button>
            <button type="button" class="zw-btn zw-ghost zc-danger-text" data-testid="delete"
                on:click=move |_| ctx.go(Screen::Delete)>
                {ctx.tn().delete}
            </button>
        </div>
    }
}

#[component]
pub fn DeleteScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let what = ctx
        .tn()
        .delete_what
        .iter()
        .map(|l| view! { <li>{*l}</li> })
        .collect_view();
    let delete = move |_| {
        let reply = ctx.api().delete_account(ctx.lang.get_untracked(), &ctx.s());
        ctx.run(reply, move |d| {
            ctx.remains.set(d.remains);
            ctx.signed_out(None, Screen::Deleted);
        });
    };
    view! {
        <Section name="delete" title=|t| t.delete_title>
            <ul class="zc-lines" data-testid="delete-what">{what}</ul>
            <p>{ctx.tn().delete_stays}</p>
            <div>{action_error(ctx)}</div>
            <div class="zc-actions">
                <button type="button" class="zw-btn zc-danger" data-testid="delete-yes"
                    disabled=move || ctx.busy.get() on:click=delete>
                    {ctx.tn().delete_yes}
                </button>
                <button type="button" class="zw-btn zw-ghost" data-testid="delete-no"
                    on:click=move |_| ctx.go(Screen::Profile)>
                    {ctx.tn().keep}
                </button>
            </div>
        </Section>
    }
}

#[component]
pub fn DeletedScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let remains = move || {
        ctx.remains
            .get()
            .into_iter()
            .map(|l| view! { <li>{l}</li> })
            .collect_view()
    };
    view! {
        <Section name="deleted" title=|t| t.deleted_title>
            <ul class="zc-lines" data-testid="remains">{remains}</ul>
        </Section>
    }
}
