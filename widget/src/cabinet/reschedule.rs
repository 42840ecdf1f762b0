//! Moving a visit: the booking flow's calendar offers the free days of the same services and
//! master (the catalogue's dates), then that day's free times; the chosen time is confirmed with
//! a button that says where the visit moves. A time taken meanwhile (409) shows the day's times
//! again.

use std::sync::Arc;

use leptos::{either::Either, prelude::*};
use protocol::{
    cabinet::{Visit, Visits},
    catalog::{Dates, Slot, Times},
};

use super::{
    app::{Section, action_error},
    state::{Ctx, Screen},
    visits::{move_words, rule_text, titles},
};
use crate::{
    format::{self, Ymd},
    ui::{calendar::Calendar, loaded, zone_note},
};

fn services(v: &Visit) -> Vec<u64> {
    v.services.iter().map(|s| s.id).collect()
}

fn load_dates(ctx: Ctx, v: &Visit, force: bool) {
    let (api, lang, ids) = (ctx.api(), ctx.lang.get_untracked(), services(v));
    let (branch, staff) = (v.branch, v.staff);
    let key = format!("{branch} {ids:?} {staff}");
    ctx.dates
        .fetch(key, force, move || api.dates(lang, branch, &ids, staff));
}

fn load_times(ctx: Ctx, v: &Visit, date: String, force: bool) {
    let (api, lang, ids) = (ctx.api(), ctx.lang.get_untracked(), services(v));
    let (branch, staff) = (v.branch, v.staff);
    let key = format!("{branch} {ids:?} {staff} {date}");
    ctx.times.fetch(key, force, move || {
        api.times(lang, branch, &ids, staff, &date)
    });
}

#[component]
pub fn RescheduleScreen(id: u64) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // (Already there when the visits list opened this screen in the same module.)
    ctx.load_visits(false);
    let retry = move || ctx.load_visits(true);
    loaded(ctx.visits, retry, move |v: Visits| {
        moving(ctx, id, v).into_any()
    })
}

/// The visit `id` among the client's `visits`, and its calendar.
fn moving(ctx: Ctx, id: u64, visits: Visits) -> impl IntoView {
    let visit = visits.upcoming.into_iter().find(|v| v.id == id);
    let Some(visit) = visit else {
        // Not (or no longer) an upcoming visit: back to the list.
        crate::ui::after(0, move || ctx.go(Screen::Visits));
        return Either::Left(view! { <div></div> });
    };
    load_dates(ctx, &visit, false);
    let visit = StoredValue::new(visit);
    let day = RwSignal::new(None::<Ymd>);
    let slot = RwSignal::new(None::<Slot>);
    let calendar = move |dates: Dates| {
        let free: Vec<Ymd> = dates.dates.iter().filter_map(|d| Ymd::parse(d)).collect();
        let pick = Arc::new(move |d: Ymd| {
            day.set(Some(d));
            slot.set(None);
            visit.with_value(|v| load_times(ctx, v, d.iso(), false));
        });
        view! {
            <div>
                {zone_note(dates.timezone, None)}
                <Calendar free selected=day.get_untracked() on_pick=pick/>
            </div>
        }
        .into_any()
    };
    let times = move || {
        day.get().map(|d| {
            let retry = move || visit.with_value(|v| load_times(ctx, v, d.iso(), true));
            view! {
                <h4 data-testid="move-day">{format::date_short(ctx.ln(), d)}</h4>
                {loaded(ctx.times, retry, move |t: Times| slots(ctx, t, slot).into_any())}
            }
        })
    };
    let confirm = move || {
        slot.get().map(|s| {
            let at = s.datetime.clone();
            let on_click = move |_| {
                let chosen = at.clone();
                let reply = ctx
                    .api()
                    .reschedule(ctx.lang.get_untracked(), &ctx.s(), id, &chosen);
                ctx.run(reply, move |moved| {
                    ctx.load_visits(true);
                    ctx.go(Screen::Visits);
                    let lang = ctx.lang.get_untracked();
                    let when = format::when(lang, &moved.datetime);
                    let moved_to = super::texts::Texts::of(lang).moved;
                    ctx.say(format!("{moved_to}{when}"));
                });
            };
            let when = s.datetime.clone();
            view! {
                <div class="zw-foot">
                    <button type="button" class="zw-btn zw-wide" data-testid="move-confirm"
                        disabled=move || ctx.busy.get() on:click=on_click>
                        {format!("{}{}", ctx.tn().move_to, format::when(ctx.ln(), &when))}
                    </button>
                </div>
            }
        })
    };
    // A refusal (the time was taken, or the window closed meanwhile) asks the day's times again.
    crate::ui::effect(move || {
        if ctx.error.get().is_some()
            && let Some(d) = day.get_untracked()
        {
            slot.set(None);
            visit.with_value(|v| load_times(ctx, v, d.iso(), true));
        }
    });
    let (now, rule) = visit.with_value(|v| (v.datetime.clone(), v.reschedule.clone()));
    let what = visit.with_value(titles);
    Either::Right(view! {
        <Section name="reschedule" title=|t| t.move_title>
            <p class="zw-sub">{what}</p>
            <p data-testid="move-now">
                {format!("{}{}", ctx.tn().now_at, format::when(ctx.ln(), &now))}
            </p>
            <p class="zc-rule">{rule_text(ctx.ln(), &rule, move_words(ctx.tn()))}</p>
            {loaded(ctx.dates, move || visit.with_value(|v| load_dates(ctx, v, true)), calendar)}
            {times}
            <div>{action_error(ctx)}</div>
            {confirm}
            <button type="button" class="zw-link zc-plain" data-testid="to-visits"
                on:click=move |_| ctx.go(Screen::Visits)>
                {ctx.tn().to_visits}
            </button>
        </Section>
    })
}

fn slots(ctx: Ctx, times: Times, chosen: RwSignal<Option<Slot>>) -> impl IntoView {
    if times.slots.is_empty() {
        return Either::Left(view! {
            <p class="zw-empty" role="status" data-testid="no-times">{ctx.ln().t().no_times}</p>
        });
    }
    let buttons = times
        .slots
        .into_iter()
        .map(|s| {
            let (time, label, dt) = (s.time.clone(), s.time.clone(), s.datetime.clone());
            view! {
                <button type="button" class="zw-slot" data-time=time
                    aria-current=move || chosen.with(|c| c.as_ref().is_some_and(|c| c.datetime == dt)).then_some("true")
                    on:click=move |_| chosen.set(Some(s.clone()))>
                    {label}
                </button>
            }
        })
        .collect_view();
    Either::Right(view! { <div class="zw-slot-list" role="group">{buttons}</div> })
}
