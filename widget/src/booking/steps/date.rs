//! Step 4: a month calendar that offers only days with free time, in the branch's time zone.

use leptos::prelude::*;
use protocol::catalog::Dates;

use crate::{
    booking::{flow, state::Ctx},
    format::Ymd,
    ui::{StepSection, calendar::Calendar, loaded, zone_note},
};

#[component]
pub fn DateStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    flow::load_dates(ctx, false);
    view! {
        <StepSection name="date" title=|t| t.choose_date>
            <div class="zw-dates">
                {loaded(ctx.dates, move || flow::load_dates(ctx, true), move |d| free_days(ctx, d).into_any())}
            </div>
        </StepSection>
    }
}

fn free_days(ctx: Ctx, dates: Dates) -> impl IntoView {
    // Ascending, as the API promises.
    let free: Vec<Ymd> = dates.dates.iter().filter_map(|d| Ymd::parse(d)).collect();
    let selected = ctx.draft.date.get_untracked().and_then(|d| Ymd::parse(&d));
    let pick = std::sync::Arc::new(move |day: Ymd| flow::choose_date(ctx, day.iso()));
    view! {
        <div>
            {zone_note(dates.timezone, ctx.zone_names())}
            <Calendar free selected on_pick=pick/>
        </div>
    }
}
