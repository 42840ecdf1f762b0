//! Step 5: free times of the chosen day, grouped into morning, day and evening.

use leptos::{either::Either, prelude::*};
use protocol::catalog::{Slot, Times};

use crate::{
    booking::{flow, state::Ctx},
    format::{self, Ymd},
    i18n::Texts,
    ui::{StepSection, loaded, zone_note},
};

#[component]
pub fn TimeStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    flow::load_times(ctx, false);
    let day = move || {
        let date = ctx.draft.date.get().unwrap_or_default();
        Ymd::parse(&date)
            .map(|d| format::date_short(ctx.lang.get(), d))
            .unwrap_or(date)
    };
    view! {
        <StepSection name="time" title=|t| t.choose_time>
            <p class="zw-sub" data-testid="time-date">{day}</p>
            {loaded(ctx.times, move || flow::load_times(ctx, true), move |times| slot_groups(ctx, times).into_any())}
        </StepSection>
    }
}

/// Which part of the day a `HH:MM` falls in: 0 morning (< 12), 1 day (< 17), 2 evening.
fn part_of_day(time: &str) -> usize {
    match time
        .get(..2)
        .and_then(|h| h.parse::<u32>().ok())
        .unwrap_or(0)
    {
        0..12 => 0,
        12..17 => 1,
        _ => 2,
    }
}

fn slot_groups(ctx: Ctx, times: Times) -> impl IntoView {
    if times.slots.is_empty() {
        return Either::Left(view! {
            <p class="zw-empty" role="status" data-testid="no-times">{move || ctx.t().no_times}</p>
        });
    }
    let mut groups: [Vec<Slot>; 3] = Default::default();
    for slot in times.slots {
        groups[part_of_day(&slot.time)].push(slot);
    }
    let names: [fn(&'static Texts) -> &'static str; 3] = [|t| t.morning, |t| t.day, |t| t.evening];
    let groups = groups
        .into_iter()
        .zip(names)
        .filter(|(slots, _)| !slots.is_empty())
        .map(|(slots, name)| {
            let buttons = slots
                .into_iter()
                .map(|slot| slot_button(ctx, slot))
                .collect_view();
            view! {
                <div class="zw-slots" role="group" aria-label=move || name(ctx.t())>
                    <h4 aria-hidden="true">{move || name(ctx.t())}</h4>
                    <div class="zw-slot-list">{buttons}</div>
                </div>
            }
        })
        .collect_view();
    Either::Right(view! {
        <div>
            {zone_note(times.timezone, ctx.zone_names())}
            {groups}
        </div>
    })
}

fn slot_button(ctx: Ctx, slot: Slot) -> impl IntoView {
    let datetime = slot.datetime.clone();
    let (time, label) = (slot.time.clone(), slot.time.clone());
    view! {
        <button type="button" class="zw-slot" data-time=time
            aria-current=move || {
                ctx.draft
                    .slot
                    .with(|s| s.as_ref().is_some_and(|s| s.datetime == datetime))
                    .then_some("true")
            }
            on:click=move |_| flow::choose_slot(ctx, slot.clone())>
            {label}
        </button>
    }
}
