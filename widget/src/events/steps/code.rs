//! When the branch asks for it: the code from the SMS, and a resend after a countdown (the
//! booking's SMS step, sending the sign-up).

use std::time::Duration;

use leptos::prelude::*;

use crate::{
    events::{state::Ctx, submit},
    ui::{
        Act, StepSection, Text, effect,
        error_banner::ErrorBanner,
        field::{Field, Spec},
    },
};

#[component]
pub fn CodeStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let d = ctx.draft;
    let wait = ctx.opts.with_value(|o| o.resend_seconds());
    let left = RwSignal::new(wait);
    let touched = RwSignal::new(false);

    let sent = ctx.submit.sent;
    let seen = std::cell::Cell::new(sent.get_untracked());
    effect(move || {
        let now = sent.get();
        if seen.replace(now) != now {
            left.set(wait);
        }
    });
    if let Ok(timer) = set_interval_with_handle(
        move || left.update(|s| *s = s.saturating_sub(1)),
        Duration::from_secs(1),
    ) {
        on_cleanup(move || timer.clear());
    }

    let error: Text<Option<String>> = std::sync::Arc::new(move || {
        let empty = d.code.with(|c| c.trim().is_empty());
        (touched.get() && empty)
            .then(|| ctx.t().err_code.to_owned())
            .or_else(|| ctx.submit.field_error_for("code"))
    });
    let spec = Spec {
        inputmode: "numeric",
        ..Spec::text("code", "one-time-code")
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        touched.set(true);
        if d.code.with_untracked(|c| !c.trim().is_empty()) {
            submit::sign_up(ctx);
        }
    };
    let banner = move || {
        ctx.submit.error.get().map(|error| {
            let retry: Act = std::sync::Arc::new(move || submit::sign_up(ctx));
            view! { <ErrorBanner error retry/> }
        })
    };
    let resend_text = move || {
        let t = ctx.t();
        match left.get() {
            0 => t.resend.to_owned(),
            s => format!("{}{}:{:02}", t.resend_in, s / 60, s % 60),
        }
    };
    view! {
        <StepSection name="code" title=|t| t.code_title>
            <p class="zw-sub">
                {move || ctx.t().code_sent}
                <b dir="ltr">{move || d.phone.get()}</b>
            </p>
            <form class="zw-form" novalidate="" on:submit=on_submit>
                <Field spec label=std::sync::Arc::new(move || ctx.t().code_label.to_owned())
                    value=d.code error left=std::sync::Arc::new(move || touched.set(true))
                    edited=std::sync::Arc::new(move || ctx.submit.clear_field_error("code"))/>
                <div>{banner}</div>
                <div class="zw-foot">
                    <button type="submit" class="zw-btn zw-wide" data-testid="confirm"
                        disabled=move || ctx.submit.busy()>
                        {move || if ctx.submit.busy() { ctx.t().sending } else { ctx.et().confirm }}
                    </button>
                </div>
            </form>
            <button type="button" class="zw-btn zw-ghost zw-wide" data-testid="resend"
                disabled=move || { left.get() > 0 || ctx.submit.busy() }
                on:click=move |_| submit::request_code(ctx)>
                {resend_text}
            </button>
        </StepSection>
    }
}
