//! Signed up: what, when, where and for how many; add to calendar; the link to see or cancel
//! the sign-up; done (the modal) or back to the schedule (inline).

use leptos::{either::Either, prelude::*};

use super::EventSection;
use crate::{
    events::{flow, state::Ctx, texts::et, wire::as_booking},
    format, ics,
    ui::summary::Summary,
};

#[component]
pub fn SuccessStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let Some(res) = ctx.submit.result.get_untracked() else {
        return Either::Left(view! { <div></div> });
    };
    let ics_url = ics::calendar(&as_booking(&res)).map(|c| ics::data_url(&c));
    let cancel = Some(res.cancel_url.clone()).filter(|u| !u.is_empty());
    let close = ctx.close;
    let rows = move || {
        let lang = ctx.lang.get();
        let (t, et) = (lang.t(), et(lang));
        let rows = vec![
            (et.sum_event, res.services.join(", ")),
            (t.sum_staff, res.staff.clone()),
            (t.sum_when, format::when(lang, &res.datetime)),
            (t.sum_branch, res.branch.clone()),
            (t.sum_address, res.address.clone()),
            (et.sum_seats, res.seats.to_string()),
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
            <a class="zw-btn zw-ghost" href=href download="event.ics" data-testid="ics">
                {move || ctx.t().add_calendar}
            </a>
        }
    });
    let cancel_link = cancel.map(|href| {
        view! {
            <a class="zw-link" href=href target="_blank" rel="noopener" data-testid="cancel-link">
                {move || ctx.et().cancel_link}
            </a>
        }
    });
    let finish = move |_| match close {
        Some(close) => close(),
        None => flow::restart(ctx),
    };
    Either::Right(view! {
        <EventSection name="success" title=|t| t.done_title done=true>
            <div>{rows}</div>
            <div class="zw-links">{ics_link}{cancel_link}</div>
            <div class="zw-foot">
                <button type="button" class="zw-btn zw-wide" data-testid="done" on:click=finish>
                    {move || if close.is_some() { ctx.t().done } else { ctx.et().again }}
                </button>
            </div>
        </EventSection>
    })
}
