//! Step 2: services by category, with search, prices and durations; several may be chosen.

use leptos::{either::Either, prelude::*};
use protocol::catalog::{Service, Services};
use wasm_bindgen::JsCast;
use web_sys::Element;

use crate::{
    booking::{flow, state::Ctx},
    format::{self, lower},
    i18n::Lang,
    ui::{StepSection, effect, input_value, loaded},
};

#[component]
pub fn ServicesStep() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    flow::load_services(ctx, false);
    let query = RwSignal::new(String::new());

    // Services preselected by the host: once the list confirms they exist, go straight on.
    effect(move || {
        let Some(list) = ctx.services.ready() else {
            return;
        };
        if !ctx.skip.services.get_untracked() {
            return;
        }
        ctx.skip.services.set(false);
        let wanted = ctx.draft.services.get_untracked();
        let valid: Vec<u64> = wanted
            .iter()
            .copied()
            .filter(|id| list.services.iter().any(|s| s.id == *id))
            .collect();
        let all = valid.len() == wanted.len();
        ctx.draft.services.set(valid);
        if all {
            flow::next(ctx);
        }
    });

    view! {
        <StepSection name="services" title=|t| t.choose_service>
            <input type="search" class="zw-input zw-search" data-testid="service-search"
                aria-label=move || ctx.t().search placeholder=move || ctx.t().search
                on:input=move |ev| query.set(input_value(&ev))/>
            <div on:focusin=|ev| rove(&ev, 0) on:keydown=move |ev| {
                let step = match ev.key().as_str() {
                    "ArrowDown" | "ArrowRight" => 1,
                    "ArrowUp" | "ArrowLeft" => -1,
                    _ => return,
                };
                ev.prevent_default();
                rove(&ev, step);
            }>
                {loaded(ctx.services, move || flow::load_services(ctx, true), move |list| {
                    service_list(ctx, list, query).into_any()
                })}
            </div>
            <div class="zw-foot">
                <p class="zw-total" aria-live="polite" data-testid="services-total">
                    {move || total(ctx)}
                </p>
                <button type="button" class="zw-btn" data-testid="next"
                    disabled=move || ctx.draft.services.with(Vec::is_empty)
                    on:click=move |_| flow::next(ctx)>
                    {move || ctx.t().next}
                </button>
            </div>
        </StepSection>
    }
}

/// One tab stop for the whole list, so "Next" is a Tab away (#16): the checkbox focused last
/// keeps it, and the arrows move between the checkboxes (`step`: −1, 0 or 1).
fn rove(ev: &web_sys::Event, step: i32) {
    let (Some(me), Some(list)) = (
        ev.target().and_then(|t| t.dyn_into::<Element>().ok()),
        ev.current_target()
            .and_then(|t| t.dyn_into::<Element>().ok()),
    ) else {
        return;
    };
    let Ok(boxes) = list.query_selector_all("input:not(:disabled)") else {
        return;
    };
    let all: Vec<Element> = (0..boxes.length())
        .filter_map(|i| boxes.get(i)?.dyn_into().ok())
        .collect();
    let Some(at) = all.iter().position(|b| *b == me) else {
        return;
    };
    let to = (at as i32 + step).clamp(0, all.len() as i32 - 1) as usize;
    for (i, b) in all.iter().enumerate() {
        let _ = b.set_attribute("tabindex", if i == to { "0" } else { "-1" });
    }
    if to != at {
        crate::ui::focus_element(&all[to]);
    }
}

/// `Выбрано: 2 услуги · 3 000–4 500 ₽ · 1 ч 30 мин`.
fn total(ctx: Ctx) -> String {
    let lang = ctx.lang.get();
    let chosen = ctx.chosen_services();
    if chosen.is_empty() {
        return String::new();
    }
    let (min, max) = chosen
        .iter()
        .fold((0.0, 0.0), |(a, b), s| (a + s.price_min, b + s.price_max));
    let length: u32 = chosen.iter().map(|s| s.duration).sum();
    let t = lang.t();
    let mut text = format!(
        "{}{}",
        t.selected,
        format::count(lang, chosen.len() as u64, &t.services_forms)
    );
    for part in [
        format::price(lang, min, max),
        Some(format::duration(lang, length)).filter(|d| !d.is_empty()),
    ]
    .into_iter()
    .flatten()
    {
        text.push_str(" · ");
        text.push_str(&part);
    }
    text
}

/// The services matching the search, grouped by category (uncategorised ones last).
fn service_list(ctx: Ctx, list: Services, query: RwSignal<String>) -> impl IntoView {
    move || {
        let lang = ctx.lang.get();
        let q = lower(query.get().trim());
        let matches = |s: &&Service| q.is_empty() || lower(&s.title).contains(&q);
        let in_cat = |id: u64| list.services.iter().filter(move |s| s.category_id == id);
        let mut groups: Vec<(&str, Vec<&Service>)> = list
            .categories
            .iter()
            .map(|c| (c.title.as_str(), in_cat(c.id).filter(matches).collect()))
            .collect();
        let orphans = list
            .services
            .iter()
            .filter(|s| !list.categories.iter().any(|c| c.id == s.category_id));
        groups.push(("", orphans.filter(matches).collect()));
        groups.retain(|(_, items)| !items.is_empty());
        if groups.is_empty() {
            return Either::Left(view! {
                <p class="zw-empty" role="status">{lang.t().nothing_found}</p>
            });
        }
        let groups = groups
            .into_iter()
            .map(|(title, items)| {
                let rows = items
                    .into_iter()
                    .map(|s| service_row(ctx, lang, s))
                    .collect_view();
                view! {
                    <fieldset class="zw-cat">
                        <legend>{title.to_owned()}</legend>
                        {rows}
                    </fieldset>
                }
            })
            .collect_view();
        Either::Right(groups)
    }
}

fn service_row(ctx: Ctx, lang: Lang, s: &Service) -> impl IntoView + use<> {
    let id = s.id;
    let comment = (!s.comment.is_empty())
        .then(|| view! { <span class="zw-muted">{s.comment.clone()}</span> });
    view! {
        <label class="zw-svc">
            <input type="checkbox" data-testid=format!("service-{id}")
                prop:checked=move || ctx.draft.services.with(|l| l.contains(&id))
                disabled=move || ctx.draft.services.with(|l| l.len() >= flow::MAX_SERVICES && !l.contains(&id))
                on:change=move |_| flow::toggle_service(ctx, id)/>
            <span class="zw-svc-main">
                <span class="zw-item-title">{s.title.clone()}</span>
                <span class="zw-muted">{format::durations(lang, s.duration, s.duration_max)}</span>
                {comment}
            </span>
            <span class="zw-price">{format::price(lang, s.price_min, s.price_max).unwrap_or_default()}</span>
        </label>
    }
}
