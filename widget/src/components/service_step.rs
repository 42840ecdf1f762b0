//! Step 2: services by category, with search, prices and durations; several may be chosen.

use crate::reactive::*;
use protocol::catalog::{Service, Services};
use wasm_bindgen::JsValue;

use super::{loaded, step};
use crate::{
    dom::{El, button, el, lower, watch},
    flow, format,
    i18n::Lang,
    state::Ctx,
};

pub fn service_step(ctx: Ctx) -> El {
    flow::load_services(ctx, false);
    let query = RwSignal::new(String::new());

    // Services preselected by the host: once the list confirms they exist, go straight on.
    watch(move || {
        let Some(list) = ctx.services.ready() else {
            return;
        };
        if !ctx.skip.get_untracked().services {
            return;
        }
        ctx.skip.update(|s| s.services = false);
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

    let search = el("input")
        .attr("type", "search")
        .cls("zw-input zw-search")
        .testid("service-search")
        .attr_dyn("aria-label", move || Some(ctx.t().search.into()))
        .attr_dyn("placeholder", move || Some(ctx.t().search.into()))
        .on("input", move |ev| query.set(input_value(&ev)));

    let foot = el("div")
        .cls("zw-foot")
        .child(
            el("p")
                .cls("zw-total")
                .attr("aria-live", "polite")
                .testid("services-total")
                .text_dyn(move || total(ctx)),
        )
        .child(
            button()
                .cls("zw-btn")
                .testid("next")
                .flag("disabled", "", move || {
                    ctx.draft.services.with(Vec::is_empty)
                })
                .text_dyn(move || ctx.t().next.into())
                .click(move || flow::next(ctx)),
        );

    step(ctx, "services", |t| t.choose_service)
        .child(search)
        .child(loaded(
            ctx,
            ctx.services,
            flow::load_services,
            move |list| service_list(ctx, list, query),
        ))
        .child(foot)
}

/// The value of the input an event came from.
pub fn input_value(ev: &web_sys::Event) -> String {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
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
        Some(format::duration(lang, length)),
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
fn service_list(ctx: Ctx, list: Services, query: RwSignal<String>) -> El {
    el("div").kids_dyn(move || {
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
            return vec![
                el("p")
                    .cls("zw-empty")
                    .attr("role", "status")
                    .text(lang.t().nothing_found),
            ];
        }
        groups
            .into_iter()
            .map(|(title, items)| {
                el("fieldset")
                    .cls("zw-cat")
                    .child(el("legend").text(title))
                    .kids(items.into_iter().map(|s| service_row(ctx, lang, s)))
            })
            .collect()
    })
}

fn service_row(ctx: Ctx, lang: Lang, s: &Service) -> El {
    let id = s.id;
    let about = el("span")
        .cls("zw-svc-main")
        .child(el("span").cls("zw-item-title").text(&s.title))
        .child(
            el("span")
                .cls("zw-muted")
                .text(&format::duration(lang, s.duration)),
        )
        .maybe((!s.comment.is_empty()).then(|| el("span").cls("zw-muted").text(&s.comment)));
    el("label")
        .cls("zw-svc")
        .child(
            el("input")
                .attr("type", "checkbox")
                .testid(&format!("service-{id}"))
                .prop_dyn("checked", move || {
                    ctx.draft.services.with(|l| l.contains(&id)).into()
                })
                .flag("disabled", "", move || {
                    ctx.draft
                        .services
                        .with(|l| l.len() >= flow::MAX_SERVICES && !l.contains(&id))
                })
                .on("change", move |_| flow::toggle_service(ctx, id)),
        )
        .child(about)
        .child(
            el("span")
                .cls("zw-price")
                .text(&format::price(lang, s.price_min, s.price_max).unwrap_or_default()),
        )
}
