//! Step 7 (when the company requires it): the code from the SMS, and a resend after a countdown.

use std::time::Duration;

use crate::reactive::*;

use super::{
    error_banner::error_banner,
    field::{Spec, field, server_error},
    step,
};
use crate::{
    dom::{El, button, el, every, watch},
    state::Ctx,
    submit,
};

/// `0:59`.
fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

pub fn sms_code(ctx: Ctx) -> El {
    let d = ctx.draft;
    let wait = ctx.opts.with_value(|o| o.resend_seconds());
    let left = RwSignal::new(wait);
    let touched = RwSignal::new(false);

    // Every code sent (the first one, and each resend) restarts the countdown.
    watch(move || {
        ctx.submit.sent.track();
        left.set(wait);
    });
    every(Duration::from_secs(1), move || {
        left.update(|s| *s = s.saturating_sub(1))
    });

    let error = move || {
        let empty = d.code.with(|c| c.trim().is_empty());
        (touched.get() && empty)
            .then(|| ctx.t().err_code.to_owned())
            .or_else(|| server_error(ctx, "code"))
    };
    let code = Spec {
        inputmode: "numeric",
        ..Spec::text("code", "one-time-code")
    };
    let confirm = el("button")
        .attr("type", "submit")
        .cls("zw-btn zw-wide")
        .testid("confirm")
        .flag("disabled", "", move || ctx.submit.busy.get())
        .text_dyn(move || {
            if ctx.submit.busy.get() {
                ctx.t().sending
            } else {
                ctx.t().confirm
            }
            .into()
        });
    let form = el("form")
        .cls("zw-form")
        .attr("novalidate", "")
        .on("submit", move |ev| {
            ev.prevent_default();
            touched.set(true);
            if d.code.with_untracked(|c| !c.trim().is_empty()) {
                submit::book(ctx);
            }
        })
        .child(field(
            ctx,
            code,
            move || ctx.t().code_label.into(),
            d.code,
            error,
            move || touched.set(true),
        ))
        .child(el("div").kid_dyn(move || {
            ctx.submit
                .error
                .get()
                .map(|e| error_banner(ctx, e, Some(Box::new(move || submit::book(ctx)))))
        }))
        .child(el("div").cls("zw-foot").child(confirm));
    let resend = button()
        .cls("zw-btn zw-ghost zw-wide")
        .testid("resend")
        .flag("disabled", "", move || {
            left.get() > 0 || ctx.submit.busy.get()
        })
        .text_dyn(move || {
            let t = ctx.t();
            match left.get() {
                0 => t.resend.to_owned(),
                s => format!("{}{}", t.resend_in, clock(s)),
            }
        })
        .click(move || submit::request_code(ctx));
    step(ctx, "code", |t| t.code_title)
        .child(
            el("p")
                .cls("zw-sub")
                .text_dyn(move || ctx.t().code_sent.into())
                .child(el("b").attr("dir", "ltr").text_dyn(move || d.phone.get())),
        )
        .child(form)
        .child(resend)
}
