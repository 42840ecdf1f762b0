//! A month calendar that offers only the given days, as a keyboard grid (APG date picker):
//! arrows move by day and week, Home/End to the week's ends, PageUp/PageDown by month; one day
//! is in the tab order. The booking's date step uses it; so will rescheduling in the cabinet.

use leptos::{either::Either, prelude::*};
use wasm_bindgen::JsCast;

use super::{after, focus, language};
use crate::{
    format::{self, Ymd},
    i18n::{Lang, Texts},
};

/// `free`: the days that can be picked, ascending. `selected`: the day chosen before, if any.
#[component]
pub fn Calendar(
    free: Vec<Ymd>,
    selected: Option<Ymd>,
    on_pick: std::sync::Arc<dyn Fn(Ymd) + Send + Sync>,
) -> impl IntoView {
    let lang = language();
    let (Some(&first), Some(&last)) = (free.first(), free.last()) else {
        return Either::Left(view! {
            <p class="zw-empty" role="status" data-testid="no-dates">
                {move || lang.t().no_dates}
            </p>
        });
    };
    let chosen = selected.filter(|d| free.contains(d));
    let start = chosen.unwrap_or(first);
    let (lo, hi) = (first.first_of_month(), last.add_months(1).add_days(-1));
    let last_month = hi.first_of_month();
    let month = RwSignal::new(start.first_of_month());
    let cursor = RwSignal::new(start);
    let free = StoredValue::new(free);

    // `grid`: the table the key was pressed in.
    let move_to = move |day: Ymd, grid: Option<web_sys::Element>| {
        let day = day.clamp(lo, hi);
        cursor.set(day);
        if day.first_of_month() != month.get_untracked() {
            month.set(day.first_of_month());
        }
        after(0, move || {
            if let Some(grid) = grid {
                focus(&grid, &format!("[data-date='{}']", day.iso()));
            }
        });
    };
    let shift_month = move |n: i32| {
        let m = month.get_untracked().add_months(n).clamp(lo, last_month);
        month.set(m);
        let in_month = free.with_value(|f| f.iter().copied().find(|d| d.first_of_month() == m));
        cursor.set(in_month.unwrap_or(m.max(lo)));
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let d = cursor.get_untracked();
        let to = match ev.key().as_str() {
            "ArrowLeft" => d.add_days(-1),
            "ArrowRight" => d.add_days(1),
            "ArrowUp" => d.add_days(-7),
            "ArrowDown" => d.add_days(7),
            "Home" => d.add_days(-i64::from(d.weekday())),
            "End" => d.add_days(6 - i64::from(d.weekday())),
            "PageUp" => d.same_day_months(-1),
            "PageDown" => d.same_day_months(1),
            _ => return,
        };
        ev.prevent_default();
        move_to(to, ev.current_target().and_then(|t| t.dyn_into().ok()));
    };

    let head = move || {
        lang.t()
            .weekdays
            .iter()
            .map(|w| view! { <th scope="col">{*w}</th> })
            .collect_view()
    };
    let body = move || {
        let m = month.get();
        let lang = lang.get();
        let mut cells: Vec<Option<Ymd>> = vec![None; m.weekday() as usize];
        cells.extend((0..format::days_in_month(m.y, m.m)).map(|i| Some(m.add_days(i64::from(i)))));
        cells.resize(cells.len().div_ceil(7) * 7, None);
        cells
            .chunks(7)
            .map(|week| {
                let days = week
                    .iter()
                    .map(|cell| match *cell {
                        None => Either::Left(view! { <td></td> }),
                        Some(day) => {
                            let open = free.with_value(|f| f.contains(&day));
                            Either::Right(day_cell(
                                day,
                                open,
                                selected == Some(day),
                                cursor,
                                lang,
                                on_pick.clone(),
                            ))
                        }
                    })
                    .collect_view();
                view! { <tr>{days}</tr> }
            })
            .collect_view()
    };
    let nav = move |id: &'static str,
                    label: fn(&'static Texts) -> &'static str,
                    glyph: &'static str,
                    n: i32| {
        let disabled = move || {
            if n < 0 {
                month.get() <= lo
            } else {
                month.get() >= last_month
            }
        };
        view! {
            <button type="button" class="zw-icon" data-testid=id
                aria-label=move || label(lang.t()) disabled=disabled
                on:click=move |_| shift_month(n)>
                {glyph}
            </button>
        }
    };
    Either::Right(view! {
        <div class="zw-cal-head">
            {nav("prev-month", |t| t.prev_month, "‹", -1)}
            <h4 id="zw-cal-month" aria-live="polite" data-testid="month">
                {move || format::month_year(lang.get(), month.get())}
            </h4>
            {nav("next-month", |t| t.next_month, "›", 1)}
        </div>
        <table class="zw-cal" role="grid" aria-labelledby="zw-cal-month"
            on:keydown=on_key>
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    })
}

fn day_cell(
    day: Ymd,
    open: bool,
    on: bool,
    cursor: RwSignal<Ymd>,
    lang: Lang,
    pick: std::sync::Arc<dyn Fn(Ymd) + Send + Sync>,
) -> impl IntoView {
    view! {
        <td role="gridcell" aria-selected=if on { "true" } else { "false" }>
            <button type="button" class=if on { "zw-day zw-on" } else { "zw-day" }
                data-date=day.iso() aria-label=format::date_long(lang, day)
                aria-disabled=(!open).then_some("true")
                tabindex=move || if cursor.get() == day { "0" } else { "-1" }
                on:click=move |_| {
                    cursor.set(day);
                    if open {
                        pick(day);
                    }
                }>
                {day.d.to_string()}
            </button>
        </td>
    }
}
