//! Step 4: a month calendar that offers only days with free time, in the branch's time zone.
//! A keyboard grid (APG date picker): arrows move by day and week, Home/End to the week's ends,
//! PageUp/PageDown by month; one day is in the tab order.

use crate::reactive::*;
use protocol::catalog::Dates;
use wasm_bindgen::JsCast;

use super::{loaded, step, zone_note};
use crate::{
    dom::{El, after, button, el, focus},
    flow,
    format::{self, Ymd},
    state::Ctx,
};

pub fn date_step(ctx: Ctx) -> El {
    flow::load_dates(ctx, false);
    step(ctx, "date", |t| t.choose_date).child(loaded(ctx, ctx.dates, flow::load_dates, move |d| {
        calendar(ctx, d)
    }))
}

fn calendar(ctx: Ctx, dates: Dates) -> El {
    // Ascending, as the API promises.
    let free: Vec<Ymd> = dates.dates.iter().filter_map(|d| Ymd::parse(d)).collect();
    let (Some(&first), Some(&last)) = (free.first(), free.last()) else {
        return el("p")
            .cls("zw-empty")
            .attr("role", "status")
            .testid("no-dates")
            .text_dyn(move || ctx.t().no_dates.into());
    };
    let chosen = ctx
        .draft
        .date
        .get_untracked()
        .and_then(|d| Ymd::parse(&d))
        .filter(|d| free.contains(d));
    let start = chosen.unwrap_or(first);
    let (lo, hi) = (first.first_of_month(), last.add_months(1).add_days(-1));
    let last_month = hi.first_of_month();
    let month = RwSignal::new(start.first_of_month());
    let cursor = RwSignal::new(start);
    let free = StoredValue::new(free);

    let table = el("table")
        .cls("zw-cal")
        .attr("role", "grid")
        .attr("aria-labelledby", "zw-cal-month");
    let grid = table.node().clone();
    let move_to = move |day: Ymd| {
        let day = day.clamp(lo, hi);
        cursor.set(day);
        if day.first_of_month() != month.get_untracked() {
            month.set(day.first_of_month());
        }
        let grid = grid.clone();
        after(0, move || {
            focus(&grid, &format!("[data-date='{}']", day.iso()));
        });
    };
    let shift_month = move |n: i32| {
        let m = month.get_untracked().add_months(n).clamp(lo, last_month);
        month.set(m);
        let in_month = free.with_value(|f| f.iter().copied().find(|d| d.first_of_month() == m));
        cursor.set(in_month.unwrap_or(m.max(lo)));
    };
    let table = table.on("keydown", move |ev| {
        let Some(ev) = ev.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
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
        move_to(to);
    });

    let head = el("tr").kids_dyn(move || {
        ctx.t()
            .weekdays
            .iter()
            .map(|w| el("th").attr("scope", "col").text(w))
            .collect()
    });
    let body = el("tbody").kids_dyn(move || {
        let m = month.get();
        let lang = ctx.lang.get();
        let selected = ctx.draft.date.get_untracked();
        let mut cells: Vec<Option<Ymd>> = vec![None; m.weekday() as usize];
        cells.extend((0..format::days_in_month(m.y, m.m)).map(|i| Some(m.add_days(i64::from(i)))));
        cells.resize(cells.len().div_ceil(7) * 7, None);
        cells
            .chunks(7)
            .map(|week| {
                el("tr").kids(week.iter().map(|cell| match *cell {
                    None => el("td"),
                    Some(day) => {
                        let open = free.with_value(|f| f.contains(&day));
                        let on = selected.as_deref() == Some(day.iso().as_str());
                        day_cell(ctx, day, open, on, cursor, lang)
                    }
                }))
            })
            .collect()
    });

    let nav =
        |id: &str, label: fn(&'static crate::i18n::Texts) -> &'static str, glyph: &str, n: i32| {
            button()
                .cls("zw-icon")
                .testid(id)
                .attr_dyn("aria-label", move || Some(label(ctx.t()).into()))
                .flag("disabled", "", move || {
                    if n < 0 {
                        month.get() <= lo
                    } else {
                        month.get() >= last_month
                    }
                })
                .text(glyph)
                .click(move || shift_month(n))
        };
    el("div")
        .maybe(zone_note(ctx, dates.timezone))
        .child(
            el("div")
                .cls("zw-cal-head")
                .child(nav("prev-month", |t| t.prev_month, "‹", -1))
                .child(
                    el("h4")
                        .attr("id", "zw-cal-month")
                        .attr("aria-live", "polite")
                        .testid("month")
                        .text_dyn(move || format::month_year(ctx.lang.get(), month.get())),
                )
                .child(nav("next-month", |t| t.next_month, "›", 1)),
        )
        .child(table.child(el("thead").child(head)).child(body))
}

fn day_cell(
    ctx: Ctx,
    day: Ymd,
    open: bool,
    on: bool,
    cursor: RwSignal<Ymd>,
    lang: crate::i18n::Lang,
) -> El {
    let iso = day.iso();
    let mut b = button()
        .cls(if on { "zw-day zw-on" } else { "zw-day" })
        .attr("data-date", &iso)
        .attr("aria-label", &format::date_long(lang, day))
        .attr_dyn("tabindex", move || {
            Some(if cursor.get() == day { "0" } else { "-1" }.into())
        })
        .text(&day.d.to_string())
        .click(move || {
            cursor.set(day);
            if open {
                flow::choose_date(ctx, iso.clone());
            }
        });
    if !open {
        b = b.attr("aria-disabled", "true");
    }
    el("td")
        .attr("role", "gridcell")
        .attr("aria-selected", if on { "true" } else { "false" })
        .child(b)
}
