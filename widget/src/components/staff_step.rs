//! Step 3: "any master" or a specific one, with photo, position, rating and nearest free time.

use protocol::catalog::{Staff, StaffList};

use super::{loaded, step};
use crate::{
    dom::{El, button, el},
    flow, format,
    i18n::Lang,
    state::Ctx,
};

pub fn staff_step(ctx: Ctx) -> El {
    flow::load_staff(ctx, false);
    step(ctx, "staff", |t| t.choose_staff).child(loaded(
        ctx,
        ctx.staff,
        flow::load_staff,
        move |list| cards(ctx, list),
    ))
}

/// `4,9` / `4.9` without pulling in float formatting.
fn rating(lang: Lang, r: f32) -> String {
    let tenths = (r * 10.0).round() as u32;
    let sep = if lang == Lang::Ru { ',' } else { '.' };
    format!("{}{sep}{}", tenths / 10, tenths % 10)
}

fn cards(ctx: Ctx, list: StaffList) -> El {
    el("div").kids_dyn(move || {
        let lang = ctx.lang.get();
        let t = lang.t();
        let near = |n: &Option<String>| {
            n.as_ref()
                .map(|n| format!("{}{}", t.nearest, format::when(lang, n)))
        };
        let soonest = list
            .staff
            .iter()
            .filter(|s| s.bookable)
            .filter_map(|s| s.nearest.clone())
            .min();
        let any_photo = el("span")
            .cls("zw-ava zw-any")
            .attr("aria-hidden", "true")
            .text("✦");
        let any = card(
            ctx,
            0,
            any_photo,
            t.any_staff,
            t.any_staff_hint,
            None,
            near(&soonest),
            true,
        );
        let people = list.staff.iter().map(|s: &Staff| {
            // YCLIENTS gives masters without a photo a stock picture; their initial reads better.
            let photo = match &s.avatar {
                Some(src) if !src.is_empty() && !src.contains("no-master") => el("img")
                    .cls("zw-ava")
                    .attr("src", src)
                    .attr("alt", "")
                    .attr("width", "48")
                    .attr("height", "48")
                    .attr("loading", "lazy"),
                _ => el("span")
                    .cls("zw-ava")
                    .attr("aria-hidden", "true")
                    .text(&s.name.chars().take(1).collect::<String>()),
            };
            let stars = (s.rating > 0.0).then(|| {
                let r = rating(lang, s.rating);
                el("span")
                    .cls("zw-rating")
                    .child(
                        el("span")
                            .attr("aria-hidden", "true")
                            .text(&format!("★ {r}")),
                    )
                    .child(
                        el("span")
                            .cls("zw-sr")
                            .text(&format!("{}{r}{}", t.rating, t.of_five)),
                    )
            });
            let note = if s.bookable {
                near(&s.nearest)
            } else {
                Some(t.not_bookable.into())
            };
            card(
                ctx,
                s.id,
                photo,
                &s.name,
                &s.position,
                stars,
                note,
                s.bookable,
            )
        });
        std::iter::once(any).chain(people).collect()
    })
}

#[allow(clippy::too_many_arguments)]
fn card(
    ctx: Ctx,
    id: u64,
    photo: El,
    name: &str,
    position: &str,
    stars: Option<El>,
    note: Option<String>,
    bookable: bool,
) -> El {
    let text = el("span")
        .cls("zw-person-text")
        .child(el("span").cls("zw-item-title").text(name))
        .child(el("span").cls("zw-muted").text(position))
        .maybe(stars)
        .maybe(note.map(|n| el("span").cls("zw-near").text(&n)));
    let b = button()
        .cls("zw-item zw-person")
        .testid(&format!("staff-{id}"))
        .flag("aria-current", "true", move || {
            ctx.draft.staff.get() == Some(id)
        })
        .click(move || flow::choose_staff(ctx, id))
        .child(photo)
        .child(text);
    if bookable { b } else { b.attr("disabled", "") }
}
