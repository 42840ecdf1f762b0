//! What the visitor sees instead of a blank screen: skeletons while loading, and errors that say
//! what happened with a way forward.

use crate::{
    api::ApiError,
    dom::{El, button, el},
    state::Ctx,
};

/// An error, announced (`role=alert`), with "Try again" when trying again may help.
pub fn error_banner(ctx: Ctx, error: ApiError, retry: Option<Box<dyn Fn()>>) -> El {
    let retry = retry.filter(|_| error.retryable());
    let code = error.code().to_owned();
    el("div")
        .cls("zw-alert")
        .attr("role", "alert")
        .testid("error")
        .attr("data-code", &code)
        .child(el("p").text_dyn(move || error.message(ctx.lang.get())))
        .maybe(retry.map(|f| {
            button()
                .cls("zw-btn zw-ghost")
                .testid("retry")
                .text_dyn(move || ctx.t().retry.into())
                .click(f)
        }))
}

/// Grey rows in the shape of a list, while it loads.
pub fn skeleton(ctx: Ctx) -> El {
    el("div")
        .cls("zw-skel")
        .attr("role", "status")
        .attr("aria-busy", "true")
        .testid("loading")
        .child(
            el("span")
                .cls("zw-sr")
                .text_dyn(move || ctx.t().loading.into()),
        )
        .kids((0..4).map(|_| el("i")))
}
