//! How many seats: one to the salon's maximum per sign-up, never more than the seats left; the
//! event it is for and the price of them all.

use leptos::{either::Either, prelude::*};
use protocol::events::GroupEvent;

use super::EventSection;
use crate::{
    events::{flow, state::Ctx, texts::et},
    format,
    i18n::Lang,
    ui::summary::Summary,
};

/// What is being signed up for, with `seats` seats.
pub fn event_summary(
    lang: Lang,
    e: &GroupEvent,
    seats: u32,
    branch: String,
) -> impl IntoView + use<> {
    let (t, et) = (lang.t(), et(lang));
    let n = f64::from(seats);
    let rows = vec![
        (t.sum_branch, branch),
        (et.sum_event, e.title.clone()),
        (t.sum_staff, e.master.clone()),
        (t.sum_when, format::when(lang, &e.datetime)),
        (t.sum_length, format::duration(lang, e.length * 60)),
        (et.sum_room, e.room.clone().unwrap_or_default()),
        (et.sum_seats, seats.to_string()),
        (
            t.sum_price,
            format::price(lang, e.price_min * n, e.price_max * n).unwrap_or_default(),
        ),
    ];
    view! { <Summary rows/> }
}

#[component]
pub fn SeatsStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let d = ctx.draft;
    let Some(event) = d.event.get_untracked() else {
        return Either::Left(view! { <div></div> });
    };
    let limit = move || ctx.seat_limit().max(1);
    let branch = move || {
        if ctx.chain() {
            ctx.branch().map(|b| b.title).unwrap_or_default()
        } else {
            String::new()
        }
    };
    let summary = move || event_summary(ctx.lang.get(), &event, d.seats.get(), branch());
    let hint = move || {
        let lang = ctx.lang.get();
        format!("{}{}", et(lang).seats_limit, limit())
    };
    let step = move |n: i64| {
        let now = i64::from(d.seats.get_untracked());
        flow::set_seats(ctx, (now + n).max(1) as u32);
    };
    Either::Right(view! {
        <EventSection name="seats" title=|t| t.seats_title>
            <div>{summary}</div>
            <p class="ze-seats-label" id="ze-seats-label">{move || ctx.et().seats_label}</p>
            <div class="ze-stepper" role="group" aria-labelledby="ze-seats-label">
                <button type="button" class="zw-icon" data-testid="seats-minus"
                    aria-label=move || ctx.et().fewer
                    disabled=move || { d.seats.get() <= 1 }
                    on:click=move |_| step(-1)>
                    "−"
                </button>
                <output data-testid="seats" aria-live="polite">{move || d.seats.get()}</output>
                <button type="button" class="zw-icon" data-testid="seats-plus"
                    aria-label=move || ctx.et().more
                    disabled=move || { d.seats.get() >= limit() }
                    on:click=move |_| step(1)>
                    "+"
                </button>
            </div>
            <p class="zw-note" data-testid="seats-limit">{hint}</p>
            <div class="zw-foot">
                <button type="button" class="zw-btn zw-wide" data-testid="next"
                    on:click=move |_| flow::to_contact(ctx)>
                    {move || ctx.t().next}
                </button>
            </div>
        </EventSection>
    })
}
