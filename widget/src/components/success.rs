//! Step 8: booked. What, when and where; add to calendar; the cancel link; done.

use super::{step, summary::summary};
use crate::{
    dom::{El, button, el},
    flow, format, ics,
    state::Ctx,
};

/// `close` finishes a modal; inline widgets offer to book again instead.
pub fn success(ctx: Ctx, close: Option<fn()>) -> El {
    let Some(res) = ctx.submit.result.get_untracked() else {
        return el("div");
    };
    let ics_url = ics::calendar(&res).map(|c| ics::data_url(&c));
    let cancel = Some(res.cancel_url.clone()).filter(|u| !u.is_empty());
    let rows = el("div").kid_dyn(move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        Some(summary(vec![
            (t.sum_services, res.services.join(", ")),
            (t.sum_staff, res.staff.clone()),
            (t.sum_when, format::when(lang, &res.datetime)),
            (t.sum_branch, res.branch.clone()),
            (t.sum_address, res.address.clone()),
            (
                t.sum_price,
                format::price(lang, res.price_min, res.price_max).unwrap_or_default(),
            ),
            (t.sum_length, format::duration(lang, res.length * 60)),
        ]))
    });
    let links = el("div")
        .cls("zw-links")
        .maybe(ics_url.map(|href| {
            el("a")
                .cls("zw-btn zw-ghost")
                .attr("href", &href)
                .attr("download", "booking.ics")
                .testid("ics")
                .text_dyn(move || ctx.t().add_calendar.into())
        }))
        .maybe(cancel.map(|href| {
            el("a")
                .cls("zw-link")
                .attr("href", &href)
                .attr("target", "_blank")
                .attr("rel", "noopener")
                .testid("cancel-link")
                .text_dyn(move || ctx.t().cancel_link.into())
        }));
    let done = button()
        .cls("zw-btn zw-wide")
        .testid("done")
        .text_dyn(move || {
            if close.is_some() {
                ctx.t().done
            } else {
                ctx.t().book_again
            }
            .into()
        })
        .click(move || match close {
            Some(close) => close(),
            None => flow::restart(ctx),
        });
    let tick = el("div")
        .cls("zw-tick")
        .attr("aria-hidden", "true")
        .text("✓");
    let section = step(ctx, "success", |t| t.done_title).cls("zw-step zw-done");
    let heading = section.node().first_element_child();
    if let Some(h) = heading {
        let _ = section.node().insert_before(tick.node(), Some(&h));
    }
    section
        .child(rows)
        .child(links)
        .child(el("div").cls("zw-foot").child(done))
}
