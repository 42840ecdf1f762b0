//! Step 8: booked. What, when and where; add to calendar; the cancel link; done.

use leptos::{either::Either, prelude::*};

use std::sync::Arc;

use crate::{
    booking::{flow, state::Ctx},
    format,
    i18n::Texts,
    ics,
    ui::{Act, StepSection, summary::Summary},
};

/// A button of this step (one view type for both).
fn button(
    ctx: Ctx,
    class: &'static str,
    id: &'static str,
    text: fn(&'static Texts) -> &'static str,
    act: Act,
) -> impl IntoView {
    view! {
        <button type="button" class=class data-testid=id on:click=move |_| act()>
            {move || text(ctx.t())}
        </button>
    }
}

/// A modal finishes with "Done"; inline widgets offer to book again instead.
#[component]
pub fn SuccessStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let Some(res) = ctx.submit.result.get_untracked() else {
        return Either::Left(view! { <div></div> });
    };
    let ics_url = ics::calendar(&res).map(|c| ics::data_url(&c));
    let cancel = Some(res.cancel_url.clone()).filter(|u| !u.is_empty());
    let close = ctx.close;
    let zone = move |lang| {
        ctx.branch()
            .map(|b| format::zone_of(lang, &b).to_owned())
            .unwrap_or_default()
    };
    let rows = move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        let rows = vec![
            (t.sum_services, res.services.join(", ")),
            (t.sum_staff, res.staff.clone()),
            (t.sum_when, format::zoned(lang, &res.datetime, &zone(lang))),
            (t.sum_branch, res.branch.clone()),
            (t.sum_address, res.address.clone()),
            (
                t.sum_price,
                format::price(lang, res.price_min, res.price_max).unwrap_or_default(),
            ),
            (t.sum_length, format::duration(lang, res.length * 60)),
        ];
        view! { <Summary rows/> }
    };
    let ics_link = ics_url.map(|href| {
        view! {
            <a class="zw-btn zw-ghost" href=href download="booking.ics" data-testid="ics">
                {move || ctx.t().add_calendar}
            </a>
        }
    });
    let cancel_link = cancel.map(|href| {
        view! {
            <a class="zw-link" href=href target="_blank" rel="noopener" data-testid="cancel-link">
                {move || ctx.t().cancel_link}
            </a>
        }
    });
    // A booking that proved the phone by SMS opens the cabinet signed in (the cabinet module,
    // through embed.js, exchanges the one-time receipt for a session).
    let cabinet = res.cabinet.clone().map(|receipt| {
        let open: Act = Arc::new(move || {
            let o = js_sys::Object::new();
            crate::wire::put(&o, "receipt", receipt.as_str());
            crate::embed::zapis("cabinet", &o, close);
        });
        button(
            ctx,
            "zw-btn zw-ghost",
            "open-cabinet",
            |t| t.open_cabinet,
            open,
        )
    });
    let finish: Act = Arc::new(move || match close {
        Some(close) => close(),
        None => flow::restart(ctx),
    });
    let finish_text: fn(&'static Texts) -> &'static str = if close.is_some() {
        |t| t.done
    } else {
        |t| t.book_again
    };
    Either::Right(view! {
        <StepSection name="success" title=|t| t.done_title done=true>
            <div>{rows}</div>
            <div class="zw-links">{ics_link}{cabinet}{cancel_link}</div>
            <div class="zw-foot">
                {button(ctx, "zw-btn zw-wide", "done", finish_text, finish)}
            </div>
        </StepSection>
    })
}
