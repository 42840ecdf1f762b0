//! Step 5: free times of the chosen day, grouped into morning, day and evening.

use protocol::catalog::{Slot, Times};

use super::{loaded, step, zone_note};
use crate::{
    dom::{El, button, el},
    flow,
    format::{self, Ymd},
    i18n::Texts,
    state::Ctx,
};

pub fn time_step(ctx: Ctx) -> El {
    flow::load_times(ctx, false);
    let day = move || {
        let date = ctx.draft.date.get().unwrap_or_default();
        Ymd::parse(&date)
            .map(|d| format::date_short(ctx.lang.get(), d))
            .unwrap_or(date)
    };
    step(ctx, "time", |t| t.choose_time)
        .child(el("p").cls("zw-sub").testid("time-date").text_dyn(day))
        .child(loaded(ctx, ctx.times, flow::load_times, move |times| {
            slot_groups(ctx, times)
        }))
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

fn slot_groups(ctx: Ctx, times: Times) -> El {
    if times.slots.is_empty() {
        return el("p")
            .cls("zw-empty")
            .attr("role", "status")
            .testid("no-times")
            .text_dyn(move || ctx.t().no_times.into());
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
            el("div")
                .cls("zw-slots")
                .attr("role", "group")
                .attr_dyn("aria-label", move || Some(name(ctx.t()).into()))
                .child(
                    el("h4")
                        .attr("aria-hidden", "true")
                        .text_dyn(move || name(ctx.t()).into()),
                )
                .child(
                    el("div")
                        .cls("zw-slot-list")
                        .kids(slots.into_iter().map(|slot| slot_button(ctx, slot))),
                )
        });
    el("div").maybe(zone_note(ctx, times.timezone)).kids(groups)
}

fn slot_button(ctx: Ctx, slot: Slot) -> El {
    let datetime = slot.datetime.clone();
    button()
        .cls("zw-slot")
        .attr("data-time", &slot.time)
        .text(&slot.time)
        .flag("aria-current", "true", move || {
            ctx.draft
                .slot
                .with(|s| s.as_ref().is_some_and(|s| s.datetime == datetime))
        })
        .click(move || flow::choose_slot(ctx, slot.clone()))
}
