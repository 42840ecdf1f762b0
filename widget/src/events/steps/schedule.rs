//! The week's group events by day: previous / next week, filters by category and master, and
//! each event with its time, title, master, duration, price and seats left — or "full", with
//! the next one of the same service when the week has it.

use leptos::{either::Either, prelude::*};
use protocol::events::{Choice, GroupEvent, Schedule};

use super::EventSection;
use crate::{
    events::{
        flow,
        state::Ctx,
        texts::{EventTexts, seats_left},
    },
    format::{self, Ymd},
    i18n::Lang,
    ui::{input_value, loaded, zone_note},
};

/// `12 марта – 18 марта` / `12 March – 18 March`.
fn week_label(lang: Lang, from: &str, till: &str) -> String {
    let day = |s: &str| {
        Ymd::parse(s)
            .map(|d| format!("{} {}", d.d, lang.t().months_of[d.m as usize - 1]))
            .unwrap_or_default()
    };
    format!("{} – {}", day(from), day(till))
}

#[component]
pub fn ScheduleStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    flow::load_schedule(ctx, false);
    let label = move || {
        let lang = ctx.lang.get();
        match ctx.week() {
            Some(w) => week_label(lang, &w.from, &w.till),
            None => ctx.t().loading.to_owned(),
        }
    };
    let nav = move |id: &'static str,
                    text: fn(&'static EventTexts) -> &'static str,
                    glyph: &'static str,
                    n: i64| {
        let disabled =
            move || ctx.first_week.get().is_none() || (n < 0 && ctx.draft.week.get().is_none());
        view! {
            <button type="button" class="zw-icon" data-testid=id
                aria-label=move || text(ctx.et()) disabled=disabled
                on:click=move |_| flow::shift_week(ctx, n)>
                {glyph}
            </button>
        }
    };
    view! {
        <EventSection name="schedule" title=|t| t.schedule>
            <div class="ze-week">
                {nav("prev-week", |t| t.prev_week, "‹", -1)}
                <h4 aria-live="polite" data-testid="week">{label}</h4>
                {nav("next-week", |t| t.next_week, "›", 1)}
            </div>
            {move || ctx.week().map(|w| filters(ctx, &w))}
            {loaded(ctx.schedule, move || flow::load_schedule(ctx, true), move |w| days(ctx, w).into_any())}
        </EventSection>
    }
}

/// A labelled `<select>` of `choices` (0 = all) bound to `value`.
fn select(
    ctx: Ctx,
    key: &'static str,
    label: fn(&'static EventTexts) -> &'static str,
    all: fn(&'static EventTexts) -> &'static str,
    choices: Vec<Choice>,
    value: RwSignal<u64>,
) -> impl IntoView {
    let (id, for_id) = (format!("ze-{key}"), format!("ze-{key}"));
    let options = choices
        .into_iter()
        .map(|c| {
            let id = c.id;
            view! {
                <option value=id.to_string() selected=move || value.get() == id>{c.title}</option>
            }
        })
        .collect_view();
    view! {
        <label for=for_id>
            {move || label(ctx.et())}
            <select id=id data-testid=key
                prop:value=move || value.get().to_string()
                on:change=move |ev| value.set(input_value(&ev).parse().unwrap_or(0))>
                <option value="0">{move || all(ctx.et())}</option>
                {options}
            </select>
        </label>
    }
}

fn filters(ctx: Ctx, w: &Schedule) -> Option<impl IntoView + use<>> {
    if w.categories.len() < 2 && w.masters.len() < 2 {
        return None;
    }
    let d = ctx.draft;
    Some(view! {
        <div class="ze-filters" role="group" aria-label=move || ctx.et().filters>
            {(w.categories.len() > 1).then(|| select(ctx, "category", |t| t.category, |t| t.all_categories, w.categories.clone(), d.category))}
            {(w.masters.len() > 1).then(|| select(ctx, "master", |t| t.master, |t| t.all_masters, w.masters.clone(), d.master))}
        </div>
    })
}

fn days(ctx: Ctx, w: Schedule) -> impl IntoView {
    let (category, master) = (ctx.draft.category.get(), ctx.draft.master.get());
    let lang = ctx.lang.get();
    let all: Vec<GroupEvent> = w.days.iter().flat_map(|d| d.events.clone()).collect();
    let shown: Vec<_> = w
        .days
        .into_iter()
        .map(|day| {
            let events: Vec<GroupEvent> = day
                .events
                .into_iter()
                .filter(|e| category == 0 || e.category == category)
                .filter(|e| master == 0 || e.staff == master)
                .collect();
            (day.date, events)
        })
        .filter(|(_, events)| !events.is_empty())
        .collect();
    if shown.is_empty() {
        let t = ctx.et();
        let text = if all.is_empty() {
            t.no_events
        } else {
            t.no_matches
        };
        return Either::Left(view! {
            <p class="zw-empty" role="status" data-testid="no-events">{text}</p>
        });
    }
    let list = shown
        .into_iter()
        .map(|(date, events)| {
            let title = Ymd::parse(&date)
                .map(|d| format::date_short(lang, d))
                .unwrap_or_else(|| date.clone());
            let (heading, labelled) = (format!("ze-day-{date}"), format!("ze-day-{date}"));
            let items = events
                .into_iter()
                .map(|e| view! { <li>{event_card(ctx, lang, e, &all)}</li> })
                .collect_view();
            view! {
                <section class="ze-day" data-date=date aria-labelledby=labelled>
                    <h4 id=heading>{title}</h4>
                    <ul class="zw-list">{items}</ul>
                </section>
            }
        })
        .collect_view();
    Either::Right(view! {
        <div>
            {zone_note(w.timezone, None)}
            {list}
        </div>
    })
}

/// Master · duration · price of one seat.
fn details(lang: Lang, e: &GroupEvent) -> String {
    let price = format::price(lang, e.price_min, e.price_max)
        .map(|p| format!("{p}{}", crate::events::texts::et(lang).per_seat));
    [
        Some(e.master.clone()),
        Some(format::duration(lang, e.length * 60)),
        price,
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" · ")
}

fn event_card(ctx: Ctx, lang: Lang, e: GroupEvent, all: &[GroupEvent]) -> impl IntoView + use<> {
    let t = crate::events::texts::et(lang);
    let testid = format!("event-{}", e.id);
    let head = view! {
        <span class="ze-time">{e.time.clone()}</span>
        <span class="ze-main">
            <span class="zw-item-title">{e.title.clone()}</span>
            <span class="zw-muted">{details(lang, &e)}</span>
            {e.room.clone().map(|r| view! { <span class="zw-muted">{r}</span> })}
        </span>
    };
    if e.full || e.seats_left == 0 {
        let next = e
            .next
            .and_then(|n| all.iter().find(|x| x.id == n && !x.full).cloned());
        let offer = match next {
            Some(n) => Either::Left(view! {
                <button type="button" class="zw-btn zw-ghost ze-next" data-testid="next-event"
                    data-event=n.id.to_string()
                    on:click={ let n = n.clone(); move |_| flow::choose_event(ctx, n.clone()) }>
                    {format!("{}{}", t.full_next, format::when(lang, &n.datetime))}
                </button>
            }),
            // The next one is in a later week (or there is none yet): look there.
            None => Either::Right(view! {
                <button type="button" class="zw-btn zw-ghost ze-next" data-testid="later-week"
                    on:click=move |_| flow::shift_week(ctx, 1)>
                    {t.no_next}
                </button>
            }),
        };
        return Either::Left(view! {
            <div class="zw-item ze-ev ze-isfull" data-testid=testid data-full="" data-left="0">
                {head}
                <span class="ze-left ze-full">{t.full}</span>
                {offer}
            </div>
        });
    }
    let (left, id) = (e.seats_left, e.id);
    Either::Right(view! {
        <button type="button" class="zw-item ze-ev" data-testid=testid data-left=left.to_string()
            aria-current=move || {
                ctx.draft.event.with(|x| x.as_ref().is_some_and(|x| x.id == id)).then_some("true")
            }
            on:click=move |_| flow::choose_event(ctx, e.clone())>
            {head}
            <span class="ze-left">{seats_left(lang, left)}</span>
        </button>
    })
}
